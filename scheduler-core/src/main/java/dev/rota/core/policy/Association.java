package dev.rota.core.policy;

import java.util.Objects;

/**
 * A user's membership of an account: a leaf of the fair-share tree. Usage is recorded per
 * association, so a user's work in one account does not lower their standing in another.
 *
 * @param shares the user's entitlement among the account's other members and sub-accounts
 */
public record Association(String user, String account, long shares) {
    public Association {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(account, "account");
        if (shares < 0) {
            throw new IllegalArgumentException("shares must not be negative: " + shares);
        }
    }

    /** The key usage is recorded under. */
    public UsageKey key() {
        return new UsageKey(account, user);
    }
}
