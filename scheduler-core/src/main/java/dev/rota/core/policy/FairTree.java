package dev.rota.core.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The hierarchical fair-share factor, Fair Tree style (docs/adr/0004-fair-share.md).
 *
 * <p>At every level of the account tree each child (a sub-account or a user) gets a <em>level
 * fairness</em>: its share of its siblings' shares divided by its share of their usage (infinite
 * when it used nothing). Users are ranked by the sequence of level fairness values on their path
 * from the root, compared level by level (higher first): a user of an under-served account ranks
 * above every user of an over-served sibling, whatever happens inside either. A user's factor is
 * {@code (N - r) / N} for rank {@code r} (0 is best) among {@code N} users; users whose paths tie
 * share the best rank of their tie.
 *
 * <p>Pure: a function of the policy and the usage handed in. Deterministic: ties at every step are
 * decided by names.
 */
public final class FairTree {

    /**
     * One line of {@code rota share}: an account (user empty) or a user in an account.
     *
     * @param depth           0 for the root's children
     * @param normShares      share of its siblings' shares, 0..1
     * @param usage           decayed GPU-seconds of the subtree
     * @param normUsage       share of its siblings' usage, 0..1
     * @param levelFairness   normShares / normUsage; infinite when it used nothing
     * @param factor          the fair-share factor (users only; NaN for accounts)
     */
    public record Row(String account, String user, int depth, long shares, double normShares, double usage,
            double normUsage, double levelFairness, double factor) {
    }

    private final Map<UsageKey, Double> factors;
    private final Map<String, Map<String, Double>> byAccount = new HashMap<>();
    private final List<Row> rows;

    private FairTree(Map<UsageKey, Double> factors, List<Row> rows) {
        this.factors = factors;
        factors.forEach((k, f) -> byAccount.computeIfAbsent(k.account(), a -> new HashMap<>()).put(k.user(), f));
        this.rows = rows;
    }

    /**
     * @param usage   decayed GPU-seconds per user and account, as of the moment judged
     * @param members users to rank besides the policy's associations (implicit members of the
     *                unlisted users' account, users with usage or queued jobs), 1 share each
     */
    public static FairTree compute(Policy policy, Map<UsageKey, Double> usage, Collection<UsageKey> members) {
        Tree tree = new Tree(policy);
        for (Association a : policy.associations().values()) {
            tree.users.computeIfAbsent(a.account(), k -> new TreeMap<>()).put(a.user(), a.shares());
        }
        for (UsageKey k : members) {
            tree.member(k);
        }
        for (UsageKey k : usage.keySet()) {
            tree.member(k);
        }
        Map<String, Double> accountUsage = new HashMap<>();
        subtreeUsage(tree, Policy.ROOT, usage, accountUsage);

        List<Row> rows = new ArrayList<>();
        List<Ranked> leaves = new ArrayList<>();
        walk(tree, Policy.ROOT, 0, new ArrayList<>(), usage, accountUsage, rows, leaves);

        Comparator<Ranked> byPath = (a, b) -> comparePaths(b.path, a.path);
        leaves.sort(byPath.thenComparing(r -> r.key));
        Map<UsageKey, Double> factors = new HashMap<>();
        int n = leaves.size();
        int tieStart = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0 && comparePaths(leaves.get(i - 1).path, leaves.get(i).path) != 0) {
                tieStart = i;
            }
            factors.put(leaves.get(i).key, (n - tieStart) / (double) n);
        }
        List<Row> withFactors = rows.stream().map(r -> r.user().isEmpty() ? r
                : new Row(r.account(), r.user(), r.depth(), r.shares(), r.normShares(), r.usage(), r.normUsage(),
                        r.levelFairness(), factors.get(new UsageKey(r.account(), r.user())))).toList();
        return new FairTree(factors, withFactors);
    }

    /**
     * The factor of {@code user} in {@code account}, or {@code otherwise} when the tree did not rank
     * them. Allocates nothing: the scheduling cycle asks once per pending job.
     */
    public double factor(String account, String user, double otherwise) {
        Map<String, Double> users = byAccount.get(account);
        Double f = users == null ? null : users.get(user);
        return f == null ? otherwise : f;
    }

    /** The factor of a user in an account, 0..1; 0 for one the tree does not know. */
    public double factor(UsageKey key) {
        return factors.getOrDefault(key, 0.0);
    }

    /** The tree in display order (depth first, children as ranked), for {@code rota share}. */
    public List<Row> rows() {
        return rows;
    }

    private record Ranked(UsageKey key, List<Double> path) {
    }

    /** The accounts (with implicit ones, if the policy allows any account) and their users. */
    private static final class Tree {
        final Policy policy;
        final SortedMap<String, SortedMap<String, Long>> users = new TreeMap<>();
        final Map<String, java.util.SortedSet<String>> children = new HashMap<>();
        final Map<String, Long> shares = new HashMap<>();

        Tree(Policy policy) {
            this.policy = policy;
            for (Account a : policy.accounts().values()) {
                shares.put(a.name(), a.shares());
                if (!a.parent().isEmpty()) {
                    children.computeIfAbsent(a.parent(), k -> new java.util.TreeSet<>()).add(a.name());
                }
            }
        }

        void member(UsageKey k) {
            if (!policy.accounts().containsKey(k.account())) {
                if (!policy.anyAccount()) {
                    return;
                }
                shares.putIfAbsent(k.account(), 1L);
                children.computeIfAbsent(Policy.ROOT, x -> new java.util.TreeSet<>()).add(k.account());
            }
            users.computeIfAbsent(k.account(), x -> new TreeMap<>()).putIfAbsent(k.user(), policy.sharesOf(k));
        }

        java.util.SortedSet<String> childAccounts(String account) {
            return children.getOrDefault(account, java.util.Collections.emptySortedSet());
        }
    }

    private static double subtreeUsage(Tree tree, String account, Map<UsageKey, Double> usage,
            Map<String, Double> out) {
        double sum = 0;
        for (String user : tree.users.getOrDefault(account, new TreeMap<>()).keySet()) {
            sum += usage.getOrDefault(new UsageKey(account, user), 0.0);
        }
        for (String child : tree.childAccounts(account)) {
            sum += subtreeUsage(tree, child, usage, out);
        }
        out.put(account, sum);
        return sum;
    }

    /** One child of an account while ranking: a sub-account or a user. */
    private record Child(String account, String user, long shares, double usage) {
    }

    private static void walk(Tree tree, String account, int depth, List<Double> path, Map<UsageKey, Double> usage,
            Map<String, Double> accountUsage, List<Row> rows, List<Ranked> leaves) {
        List<Child> children = new ArrayList<>();
        for (String sub : tree.childAccounts(account)) {
            children.add(new Child(sub, "", tree.shares.get(sub), accountUsage.get(sub)));
        }
        tree.users.getOrDefault(account, new TreeMap<>()).forEach((user, shares) -> children.add(
                new Child(account, user, shares, usage.getOrDefault(new UsageKey(account, user), 0.0))));
        long totalShares = children.stream().mapToLong(Child::shares).sum();
        double totalUsage = children.stream().mapToDouble(Child::usage).sum();
        record Judged(Child child, double normShares, double normUsage, double fairness) {
        }
        List<Judged> judged = new ArrayList<>();
        for (Child c : children) {
            double ns = totalShares == 0 ? 0 : c.shares() / (double) totalShares;
            double nu = totalUsage == 0 ? 0 : c.usage() / totalUsage;
            double lf = nu == 0 ? (ns > 0 ? Double.POSITIVE_INFINITY : 0) : ns / nu;
            judged.add(new Judged(c, ns, nu, lf));
        }
        judged.sort(Comparator.comparingDouble(Judged::fairness).reversed()
                .thenComparing(j -> j.child().user().isEmpty() ? j.child().account() : "\uffff" + j.child().user()));
        for (Judged j : judged) {
            Child c = j.child();
            List<Double> p = new ArrayList<>(path);
            p.add(j.fairness());
            if (c.user().isEmpty()) {
                rows.add(new Row(c.account(), "", depth, c.shares(), j.normShares(), c.usage(), j.normUsage(),
                        j.fairness(), Double.NaN));
                walk(tree, c.account(), depth + 1, p, usage, accountUsage, rows, leaves);
            } else {
                rows.add(new Row(c.account(), c.user(), depth, c.shares(), j.normShares(), c.usage(), j.normUsage(),
                        j.fairness(), Double.NaN));
                leaves.add(new Ranked(new UsageKey(c.account(), c.user()), p));
            }
        }
    }

    /**
     * Level by level, higher fairness first. A shorter path (a user beside sub-accounts) is
     * compared as if padded with infinite fairness: tied with a sibling sub-account, it ranks with
     * that sub-account's members who used nothing. Padding keeps the comparison a total order.
     */
    private static int comparePaths(List<Double> a, List<Double> b) {
        int n = Math.max(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            double x = i < a.size() ? a.get(i) : Double.POSITIVE_INFINITY;
            double y = i < b.size() ? b.get(i) : Double.POSITIVE_INFINITY;
            int c = Double.compare(x, y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
