package dev.rota.core.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The organisation and the priority settings: the account tree, who may charge which account,
 * the QoS levels, the priority weights and the usage half-life. Immutable and validated: every
 * account's parent exists and the tree has no loop; every association, default account and QoS
 * reference resolves. Read from the daemon's policy file ({@link PolicyFile}).
 *
 * @param accounts             by name, including {@link #ROOT}
 * @param associations         who may charge which account, with their shares there
 * @param defaultAccounts      the account a user's jobs charge when they name none; every user with
 *                             an association has one (so it is also the index of listed users)
 * @param qos                  QoS levels by name
 * @param defaultQos           the QoS of jobs that name none
 * @param unlistedUsersAccount where jobs of users without any association go (each such user an
 *                             implicit member with 1 share); empty: those jobs are refused
 * @param weights              the multifactor priority's weights
 * @param usageHalfLife        how fast past usage stops counting against an account
 * @param partitions           node sets jobs ask for, by name (at least one)
 * @param defaultPartition     the partition of jobs that name none
 * @param anyAccount           whether a job may name an account the policy does not define (as in
 *                             Slurm without accounting enforcement); such accounts rank as
 *                             children of the root with 1 share and have no limits. Only for the
 *                             policy of a cluster without a policy file.
 */
public record Policy(SortedMap<String, Account> accounts, SortedMap<UsageKey, Association> associations,
        SortedMap<String, String> defaultAccounts, SortedMap<String, Qos> qos, String defaultQos,
        Optional<String> unlistedUsersAccount, PriorityWeights weights, Duration usageHalfLife,
        SortedMap<String, Partition> partitions, String defaultPartition, boolean anyAccount) {

    /** The root of every account tree. */
    public static final String ROOT = "root";
    public static final String DEFAULT_QOS = "normal";
    public static final Duration DEFAULT_HALF_LIFE = Duration.ofDays(7);

    public Policy {
        accounts = Collections.unmodifiableSortedMap(new TreeMap<>(accounts));
        associations = Collections.unmodifiableSortedMap(new TreeMap<>(associations));
        defaultAccounts = Collections.unmodifiableSortedMap(new TreeMap<>(defaultAccounts));
        qos = Collections.unmodifiableSortedMap(new TreeMap<>(qos));
        Objects.requireNonNull(defaultQos, "defaultQos");
        Objects.requireNonNull(unlistedUsersAccount, "unlistedUsersAccount");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(usageHalfLife, "usageHalfLife");
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
        if (!partitions.containsKey(defaultPartition)) {
            throw new IllegalArgumentException("the default partition '" + defaultPartition + "' does not exist");
        }
        if (usageHalfLife.isNegative() || usageHalfLife.isZero()) {
            throw new IllegalArgumentException("the usage half-life must be positive: " + usageHalfLife);
        }
        List<String> problems = problems(accounts, associations, defaultAccounts, qos, defaultQos,
                unlistedUsersAccount);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /**
     * The policy of a cluster without a policy file: one account under the root that every user
     * charges, one QoS, default weights. Fair share then orders users within that account.
     */
    public static Policy open(String account) {
        SortedMap<String, Account> accounts = new TreeMap<>();
        accounts.put(ROOT, new Account(ROOT, "", 1, Limits.NONE, OptionalDouble.empty()));
        accounts.put(account, new Account(account, ROOT, 1, Limits.NONE, OptionalDouble.empty()));
        return new Policy(accounts, new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(Map.of(DEFAULT_QOS, new Qos(DEFAULT_QOS, 0, Limits.NONE))), DEFAULT_QOS,
                Optional.of(account), PriorityWeights.DEFAULTS, DEFAULT_HALF_LIFE,
                new TreeMap<>(Map.of(Partition.DEFAULT_NAME, Partition.everything(Partition.DEFAULT_NAME))),
                Partition.DEFAULT_NAME, true);
    }

    /** What a submission resolves to: the account and QoS it runs under, or why it may not. */
    public sealed interface Resolution {
        record Resolved(String account, String qos) implements Resolution {
        }

        record Refused(String reason) implements Resolution {
        }
    }

    /**
     * The account and QoS a job of {@code user} runs under, given what it asked for (empty strings:
     * nothing asked). A user may charge an account they are associated with; a user with no
     * association at all may charge only the unlisted users' account.
     */
    public Resolution resolve(String user, String requestedAccount, String requestedQos) {
        String qosName = requestedQos.isEmpty() ? defaultQos : requestedQos;
        if (!qos.containsKey(qosName)) {
            return new Resolution.Refused("QoS '" + qosName + "' does not exist (QoS: "
                    + String.join(", ", qos.keySet()) + ")");
        }
        boolean listed = isListed(user);
        if (requestedAccount.isEmpty()) {
            String account = defaultAccounts.get(user);
            if (account == null) {
                account = unlistedUsersAccount.orElse(null);
            }
            if (account == null) {
                return new Resolution.Refused("user '" + user + "' has no account: an admin adds a line 'User="
                        + user + " Account=NAME' to the policy file");
            }
            return new Resolution.Resolved(account, qosName);
        }
        if (!accounts.containsKey(requestedAccount)) {
            return anyAccount ? new Resolution.Resolved(requestedAccount, qosName)
                    : new Resolution.Refused("account '" + requestedAccount + "' does not exist");
        }
        boolean member = associations.containsKey(new UsageKey(requestedAccount, user))
                || (!listed && unlistedUsersAccount.map(requestedAccount::equals).orElse(false));
        if (!member) {
            return new Resolution.Refused("user '" + user + "' may not charge account '" + requestedAccount
                    + "' (their accounts: " + String.join(", ", accountsOf(user)) + ")");
        }
        return new Resolution.Resolved(requestedAccount, qosName);
    }

    /** Whether {@code user} has at least one association. */
    public boolean isListed(String user) {
        return defaultAccounts.containsKey(user);
    }

    /** The accounts {@code user} may charge, sorted. */
    public List<String> accountsOf(String user) {
        List<String> out = new ArrayList<>();
        associations.keySet().stream().filter(k -> k.user().equals(user)).forEach(k -> out.add(k.account()));
        if (out.isEmpty()) {
            unlistedUsersAccount.ifPresent(out::add);
        }
        return out;
    }

    /** {@code account} and its ancestors up to the root, nearest first. */
    public List<String> lineage(String account) {
        List<String> out = new ArrayList<>();
        for (String a = account; !a.isEmpty(); a = accounts.containsKey(a) ? accounts.get(a).parent() : ROOT) {
            out.add(a);
        }
        return out;
    }

    /** The shares of a user in an account: their association's, or 1 for an implicit member. */
    public long sharesOf(UsageKey key) {
        Association a = associations.get(key);
        return a == null ? 1 : a.shares();
    }

    /** The partitions {@code node} belongs to, by name. */
    public List<String> partitionsOf(String node) {
        return partitions.values().stream().filter(p -> p.contains(node)).map(Partition::name).toList();
    }

    /** The highest QoS priority, for normalising the QoS factor. */
    public long maxQosPriority() {
        return qos.values().stream().mapToLong(Qos::priority).max().orElse(0);
    }

    private static List<String> problems(Map<String, Account> accounts, Map<UsageKey, Association> associations,
            Map<String, String> defaultAccounts, Map<String, Qos> qos, String defaultQos,
            Optional<String> unlisted) {
        List<String> problems = new ArrayList<>();
        Account root = accounts.get(ROOT);
        if (root == null || !root.parent().isEmpty()) {
            problems.add("the account tree needs the root account '" + ROOT + "' without a parent");
        }
        for (Account a : accounts.values()) {
            if (a.name().equals(ROOT)) {
                continue;
            }
            if (!accounts.containsKey(a.parent())) {
                problems.add("account '" + a.name() + "' has parent '" + a.parent() + "', which does not exist");
                continue;
            }
            Set<String> seen = new HashSet<>();
            for (String p = a.name(); !p.isEmpty() && accounts.containsKey(p); p = accounts.get(p).parent()) {
                if (!seen.add(p)) {
                    problems.add("account '" + a.name() + "' is its own ancestor (a loop through '" + p + "')");
                    break;
                }
            }
        }
        for (Association as : associations.values()) {
            if (!accounts.containsKey(as.account())) {
                problems.add("user '" + as.user() + "' is in account '" + as.account() + "', which does not exist");
            }
            if (!defaultAccounts.containsKey(as.user())) {
                problems.add("user '" + as.user() + "' has no default account");
            }
        }
        defaultAccounts.forEach((user, account) -> {
            if (!associations.containsKey(new UsageKey(account, user))) {
                problems.add("user '" + user + "' has default account '" + account + "' but is not in it");
            }
        });
        if (!qos.containsKey(defaultQos)) {
            problems.add("the default QoS '" + defaultQos + "' does not exist");
        }
        unlisted.ifPresent(a -> {
            if (!accounts.containsKey(a)) {
                problems.add("the account for unlisted users '" + a + "' does not exist");
            }
        });
        return problems;
    }
}
