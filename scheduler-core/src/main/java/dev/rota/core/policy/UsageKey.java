package dev.rota.core.policy;

import java.util.Comparator;
import java.util.Objects;

/** Whose usage: one user in one account. Ordered by account, then user. */
public record UsageKey(String account, String user) implements Comparable<UsageKey> {
    private static final Comparator<UsageKey> ORDER = Comparator.comparing(UsageKey::account)
            .thenComparing(UsageKey::user);

    public UsageKey {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(user, "user");
    }

    @Override
    public int compareTo(UsageKey o) {
        return ORDER.compare(this, o);
    }
}
