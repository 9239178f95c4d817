package dev.rota.core.policy;

import dev.rota.core.time.SlurmTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads the daemon's policy file (docs/policy.md): one entity per line, Slurm-style
 * {@code Key=Value} pairs, the first key naming what the line defines. Keys are case-insensitive;
 * {@code #} starts a comment; blank lines are ignored. Pure: text in, {@link Policy} out.
 *
 * <pre>
 * PriorityWeightFairShare=10000
 * PriorityDecayHalfLife=7-0
 * UnlistedUsers=default            # or REJECT
 * Account=lab    Parent=root Shares=60 MaxGPUs=256 GpuHourBudget=100000
 * Account=vision Parent=lab  Shares=2  MaxGPUsPerUser=16
 * User=alice Account=vision Shares=2 Default=yes
 * QOS=high Priority=1000 MaxGPUsPerUser=64
 * </pre>
 */
public final class PolicyFile {
    private PolicyFile() {
    }

    /** Every problem in a policy file, each as {@code source:line: message}. */
    public static final class InvalidPolicyException extends Exception {
        private final List<String> problems;

        InvalidPolicyException(List<String> problems) {
            super(String.join("\n", problems), null, false, false);
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private static final Set<String> LIMIT_KEYS = Set.of("maxgpus", "maxjobs", "maxgpusperuser", "maxjobsperuser");
    private static final Map<String, Set<String>> KEYS = Map.of(
            "account", union(Set.of("account", "parent", "shares", "gpuhourbudget"), LIMIT_KEYS),
            "user", Set.of("user", "account", "shares", "default"),
            "qos", union(Set.of("qos", "priority", "preempt", "preemptmode", "gracetime", "minruntime"), LIMIT_KEYS),
            "partition", Set.of("partition", "nodes", "default", "maxtime", "prioritytier"));
    private static final Map<String, String> SETTINGS = Map.of(
            "priorityweightfairshare", "PriorityWeightFairShare", "priorityweightage", "PriorityWeightAge",
            "priorityweightjobsize", "PriorityWeightJobSize", "priorityweightqos", "PriorityWeightQOS",
            "prioritymaxage", "PriorityMaxAge", "prioritydecayhalflife", "PriorityDecayHalfLife",
            "unlistedusers", "UnlistedUsers", "defaultqos", "DefaultQOS");

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }

    /**
     * Parses {@code text}, read from {@code source} (a file name, for messages).
     *
     * @throws InvalidPolicyException listing every problem found, with its line
     */
    public static Policy parse(String text, String source) throws InvalidPolicyException {
        return new Reader(source).read(text);
    }

    private static final class Reader {
        final String source;
        final List<String> problems = new ArrayList<>();
        final Map<String, Account> accounts = new LinkedHashMap<>();
        final Map<String, Integer> accountLines = new HashMap<>();
        final SortedMap<UsageKey, Association> associations = new TreeMap<>();
        final Map<UsageKey, Integer> associationLines = new HashMap<>();
        final SortedMap<String, String> defaults = new TreeMap<>();
        final SortedMap<String, Qos> qos = new TreeMap<>();
        final java.util.LinkedHashMap<String, Partition> partitions = new java.util.LinkedHashMap<>();
        String defaultPartition;
        int defaultPartitionLine;
        final Map<String, Integer> settingLines = new HashMap<>();
        final Map<String, Integer> preemptLines = new HashMap<>();
        long wFair = PriorityWeights.DEFAULTS.fairShare();
        long wAge = PriorityWeights.DEFAULTS.age();
        long wSize = PriorityWeights.DEFAULTS.jobSize();
        long wQos = PriorityWeights.DEFAULTS.qos();
        Duration maxAge = PriorityWeights.DEFAULTS.maxAge();
        Duration halfLife = Policy.DEFAULT_HALF_LIFE;
        Optional<String> unlisted = Optional.empty();
        String defaultQos = Policy.DEFAULT_QOS;
        int defaultQosLine;
        int unlistedLine;

        Reader(String source) {
            this.source = source;
        }

        Policy read(String text) throws InvalidPolicyException {
            String[] lines = text.split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                line(i + 1, lines[i]);
            }
            if (!accounts.containsKey(Policy.ROOT)) {
                accounts.put(Policy.ROOT, new Account(Policy.ROOT, "", 1, Limits.NONE, OptionalDouble.empty()));
            }
            if (!qos.containsKey(Policy.DEFAULT_QOS)) {
                qos.put(Policy.DEFAULT_QOS, new Qos(Policy.DEFAULT_QOS, 0, Limits.NONE));
            }
            if (partitions.isEmpty()) {
                partitions.put(Partition.DEFAULT_NAME, Partition.everything(Partition.DEFAULT_NAME));
            }
            if (defaultPartition == null) {
                defaultPartition = partitions.keySet().iterator().next(); // the first one listed
            }
            crossCheck();
            if (!problems.isEmpty()) {
                throw new InvalidPolicyException(problems);
            }
            try {
                return new Policy(new TreeMap<>(accounts), associations, defaults, qos, defaultQos, unlisted,
                        new PriorityWeights(wFair, wAge, wSize, wQos, maxAge), halfLife, new TreeMap<>(partitions),
                        defaultPartition, false);
            } catch (IllegalArgumentException e) {
                // crossCheck finds these with line numbers first; this is the backstop.
                throw new InvalidPolicyException(List.of(source + ": " + e.getMessage()));
            }
        }

        void problem(int line, String message) {
            problems.add(source + ":" + line + ": " + message);
        }

        void line(int n, String raw) {
            String text = stripComment(raw).strip();
            if (text.isEmpty()) {
                return;
            }
            Map<String, String> pairs = new LinkedHashMap<>();
            Map<String, String> spelled = new HashMap<>();
            for (String token : text.split("\\s+")) {
                int eq = token.indexOf('=');
                if (eq <= 0 || eq == token.length() - 1) {
                    problem(n, "expected Key=Value, found '" + token + "'");
                    return;
                }
                String key = token.substring(0, eq).toLowerCase(Locale.ROOT);
                if (pairs.containsKey(key)) {
                    problem(n, "'" + token.substring(0, eq) + "' is given twice");
                    return;
                }
                pairs.put(key, token.substring(eq + 1));
                spelled.put(key, token.substring(0, eq));
            }
            String kind = pairs.keySet().iterator().next();
            Set<String> allowed = KEYS.get(kind);
            if (allowed == null) {
                if (SETTINGS.containsKey(kind) && pairs.size() == 1) {
                    setting(n, kind, pairs.get(kind));
                } else if (SETTINGS.containsKey(kind)) {
                    problem(n, "a setting stands alone on its line: " + SETTINGS.get(kind) + "=VALUE");
                } else {
                    problem(n, "unknown key '" + spelled.get(kind) + "' (a line starts with Account=, User=, QOS=, Partition= or a "
                            + "setting: " + String.join(", ", new TreeMap<>(invert()).keySet()) + ")");
                }
                return;
            }
            for (String key : pairs.keySet()) {
                if (!allowed.contains(key)) {
                    problem(n, "unknown key '" + spelled.get(key) + "' for " + spelled.get(kind) + " (known: "
                            + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                    return;
                }
            }
            try {
                switch (kind) {
                    case "account" -> account(n, pairs);
                    case "user" -> user(n, pairs);
                    case "qos" -> qos(n, pairs);
                    case "partition" -> partition(n, pairs);
                    default -> throw new IllegalStateException(kind);
                }
            } catch (IllegalArgumentException e) {
                problem(n, e.getMessage());
            }
        }

        Map<String, String> invert() {
            Map<String, String> out = new HashMap<>();
            SETTINGS.values().forEach(v -> out.put(v, v));
            return out;
        }

        void account(int n, Map<String, String> p) {
            String name = name(p.get("account"), "account");
            if (accounts.containsKey(name)) {
                problem(n, "account '" + name + "' is already defined on line " + accountLines.get(name));
                return;
            }
            String parent = name.equals(Policy.ROOT) ? "" : name(p.getOrDefault("parent", Policy.ROOT), "parent");
            if (name.equals(Policy.ROOT) && p.containsKey("parent")) {
                throw new IllegalArgumentException("the root account has no parent");
            }
            long shares = p.containsKey("shares") ? count(p.get("shares"), "Shares") : 1;
            OptionalDouble budget = p.containsKey("gpuhourbudget")
                    ? OptionalDouble.of(positiveNumber(p.get("gpuhourbudget"), "GpuHourBudget"))
                    : OptionalDouble.empty();
            accounts.put(name, new Account(name, parent, shares, limits(p), budget));
            accountLines.put(name, n);
        }

        void user(int n, Map<String, String> p) {
            String user = name(p.get("user"), "user");
            if (!p.containsKey("account")) {
                throw new IllegalArgumentException("User=" + user + " needs Account=NAME");
            }
            String account = name(p.get("account"), "account");
            UsageKey key = new UsageKey(account, user);
            if (associations.containsKey(key)) {
                problem(n, "user '" + user + "' is already in account '" + account + "' (line "
                        + associationLines.get(key) + ")");
                return;
            }
            long shares = p.containsKey("shares") ? count(p.get("shares"), "Shares") : 1;
            boolean isDefault = p.containsKey("default") && yes(p.get("default"), "Default");
            associations.put(key, new Association(user, account, shares));
            associationLines.put(key, n);
            if (isDefault && defaults.containsKey(user) && settingLines.containsKey("default:" + user)) {
                problem(n, "user '" + user + "' already has default account '" + defaults.get(user) + "' (line "
                        + settingLines.get("default:" + user) + ")");
                return;
            }
            if (isDefault) {
                defaults.put(user, account);
                settingLines.put("default:" + user, n);
            } else {
                defaults.putIfAbsent(user, account); // the first account listed, until one says Default=yes
            }
        }

        void qos(int n, Map<String, String> p) {
            String name = name(p.get("qos"), "QOS");
            if (qos.containsKey(name)) {
                problem(n, "QOS '" + name + "' is already defined");
                return;
            }
            long priority = p.containsKey("priority") ? count(p.get("priority"), "Priority") : 0;
            Set<String> preempts = new java.util.TreeSet<>();
            if (p.containsKey("preempt")) {
                for (String q : p.get("preempt").split(",")) {
                    preempts.add(name(q, "Preempt QOS"));
                }
                preemptLines.put(name, n);
            }
            Qos.PreemptMode mode = Qos.PreemptMode.REQUEUE;
            if (p.containsKey("preemptmode")) {
                try {
                    mode = Qos.PreemptMode.valueOf(p.get("preemptmode").toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("PreemptMode must be REQUEUE or CANCEL, not '"
                            + p.get("preemptmode") + "'");
                }
            }
            Duration grace = p.containsKey("gracetime") ? Duration.ofSeconds(count(p.get("gracetime"), "GraceTime"))
                    : Qos.DEFAULT_GRACE;
            // 0 means "may be preempted at once"; otherwise Slurm time (10 = ten minutes).
            Duration minRun = !p.containsKey("minruntime") ? Qos.DEFAULT_MIN_RUN_TIME
                    : p.get("minruntime").equals("0") ? Duration.ZERO : SlurmTime.parse(p.get("minruntime"));
            qos.put(name, new Qos(name, priority, limits(p), preempts, mode, grace, minRun));
        }

        void partition(int n, Map<String, String> p) {
            String name = name(p.get("partition"), "partition");
            if (partitions.containsKey(name)) {
                problem(n, "partition '" + name + "' is already defined");
                return;
            }
            String nodes = p.get("nodes");
            if (nodes == null) {
                throw new IllegalArgumentException("Partition=" + name + " needs Nodes=HOSTLIST (or Nodes=ALL)");
            }
            boolean all = nodes.equalsIgnoreCase("ALL");
            Set<String> names = all ? Set.of() : new java.util.TreeSet<>(dev.rota.core.node.Hostlist.expand(nodes));
            Optional<Duration> maxTime = p.containsKey("maxtime")
                    ? dev.rota.core.time.SlurmTime.parseLimit(p.get("maxtime"), "MaxTime") : Optional.empty();
            long tier = p.containsKey("prioritytier") ? count(p.get("prioritytier"), "PriorityTier") : 0;
            if (tier > 65_535) {
                throw new IllegalArgumentException("PriorityTier must be at most 65535, not " + tier);
            }
            partitions.put(name, new Partition(name, names, all, maxTime, (int) tier));
            if (p.containsKey("default") && yes(p.get("default"), "Default")) {
                if (defaultPartition != null) {
                    problem(n, "partition '" + defaultPartition + "' is already the default (line "
                            + defaultPartitionLine + ")");
                    return;
                }
                defaultPartition = name;
                defaultPartitionLine = n;
            }
        }

        void setting(int n, String key, String value) {
            if (settingLines.containsKey(key)) {
                problem(n, SETTINGS.get(key) + " is already set on line " + settingLines.get(key));
                return;
            }
            settingLines.put(key, n);
            try {
                switch (key) {
                    case "priorityweightfairshare" -> wFair = count(value, SETTINGS.get(key));
                    case "priorityweightage" -> wAge = count(value, SETTINGS.get(key));
                    case "priorityweightjobsize" -> wSize = count(value, SETTINGS.get(key));
                    case "priorityweightqos" -> wQos = count(value, SETTINGS.get(key));
                    case "prioritymaxage" -> maxAge = SlurmTime.parse(value);
                    case "prioritydecayhalflife" -> halfLife = SlurmTime.parse(value);
                    case "unlistedusers" -> {
                        unlisted = value.equalsIgnoreCase("REJECT") ? Optional.empty()
                                : Optional.of(name(value, "UnlistedUsers account"));
                        unlistedLine = n;
                    }
                    case "defaultqos" -> {
                        defaultQos = name(value, "DefaultQOS");
                        defaultQosLine = n;
                    }
                    default -> throw new IllegalStateException(key);
                }
            } catch (IllegalArgumentException e) {
                problem(n, SETTINGS.get(key) + ": " + e.getMessage());
            }
        }

        /** The reference checks, with the line of the reference. */
        void crossCheck() {
            for (Account a : accounts.values()) {
                if (a.name().equals(Policy.ROOT)) {
                    continue;
                }
                int line = accountLines.getOrDefault(a.name(), 0);
                if (!accounts.containsKey(a.parent())) {
                    problem(line, "account '" + a.name() + "' has parent '" + a.parent() + "', which is not defined");
                    continue;
                }
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (String p = a.name(); !p.isEmpty() && accounts.containsKey(p); p = accounts.get(p).parent()) {
                    if (!seen.add(p)) {
                        problem(line, "account '" + a.name() + "' is its own ancestor (the parents loop through '"
                                + p + "')");
                        break;
                    }
                }
            }
            associations.forEach((k, a) -> {
                if (!accounts.containsKey(k.account())) {
                    problem(associationLines.get(k), "user '" + k.user() + "' is put in account '" + k.account()
                            + "', which is not defined");
                }
            });
            if (!qos.containsKey(defaultQos)) {
                problem(defaultQosLine, "DefaultQOS '" + defaultQos + "' is not defined");
            }
            qos.values().forEach(q -> q.preempts().stream().sorted().forEach(target -> {
                if (!qos.containsKey(target)) {
                    problem(preemptLines.get(q.name()), "QOS '" + q.name() + "' may preempt '" + target
                            + "', which is not defined");
                }
            }));
            unlisted.ifPresent(a -> {
                if (!accounts.containsKey(a)) {
                    problem(unlistedLine, "UnlistedUsers account '" + a + "' is not defined");
                }
            });
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    private static String name(String value, String what) {
        if (!value.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new IllegalArgumentException("invalid " + what + " name '" + value
                    + "' (letters, digits, '.', '_', '@', '-'; at most 64)");
        }
        return value;
    }

    private static long count(String value, String what) {
        try {
            long v = Long.parseLong(value);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number >= 0, not '" + value + "'");
        }
    }

    private static double positiveNumber(String value, String what) {
        try {
            double v = Double.parseDouble(value);
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a positive number, not '" + value + "'");
        }
    }

    private static boolean yes(String value, String what) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1" -> true;
            case "no", "false", "0" -> false;
            default -> throw new IllegalArgumentException(what + " must be yes or no, not '" + value + "'");
        };
    }

    private static Limits limits(Map<String, String> p) {
        return new Limits(optional(p, "maxgpus", "MaxGPUs"), optional(p, "maxjobs", "MaxJobs"),
                optional(p, "maxgpusperuser", "MaxGPUsPerUser"), optional(p, "maxjobsperuser", "MaxJobsPerUser"));
    }

    private static OptionalInt optional(Map<String, String> p, String key, String what) {
        if (!p.containsKey(key)) {
            return OptionalInt.empty();
        }
        long v = count(p.get(key), what);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " is too large: " + v);
        }
        return OptionalInt.of((int) v);
    }
}
