package dev.rota.daemon.metrics;

import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.NodeView;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobState;
import dev.rota.core.node.NodeState;
import dev.rota.core.policy.FairTree;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the daemon's gauges say about one {@link ClusterSnapshot}, counted in one pass over its jobs
 * and nodes. Immutable; {@link #of} is a pure function of the snapshot, so the metrics compute it
 * once per published step however many gauges and scrapes read it.
 *
 * <p>Every label takes values from a bounded set: states and reasons are enums or fixed words,
 * partitions and GPU models are few by nature, and accounts beyond {@link #MAX_ACCOUNTS} fold into
 * {@link #OTHER_ACCOUNT}. Nothing is labelled by job or node.
 *
 * @param step                the snapshot's step
 * @param jobs                jobs the engine holds by (partition, state); finished jobs only while
 *                            the engine keeps them in memory (the most recent 10,000), so these are
 *                            not totals: the {@code rota_job_ends_total} counter is
 * @param activeByAccount     pending and running jobs by (account, partition, state)
 * @param pendingByReason     pending jobs by reason label ({@link #reasonLabel})
 * @param gpus                GPUs by (model, partition, state); the four states sum to the GPUs
 *                            registered
 * @param nodes               nodes by (partition, state)
 * @param fragmentation       per partition: the share of free GPUs on schedulable nodes that sit on
 *                            nodes with some GPUs allocated (0 when none is free)
 * @param oldestPendingSubmit when the longest-waiting pending job was submitted, if any is pending
 * @param shares              the fair-share tree's accounts as the last full cycle judged them (the
 *                            first {@link #MAX_ACCOUNTS} in tree order); empty before the first cycle
 */
public record ClusterCounts(long step, SortedMap<JobKey, Integer> jobs, SortedMap<AccountKey, Integer> activeByAccount,
        SortedMap<String, Integer> pendingByReason, SortedMap<GpuKey, Integer> gpus, SortedMap<NodeKey, Integer> nodes,
        SortedMap<String, Double> fragmentation, Optional<Instant> oldestPendingSubmit, List<AccountShare> shares) {

    /** Accounts labelled by name at most; the smaller ones share {@link #OTHER_ACCOUNT}. */
    public static final int MAX_ACCOUNTS = 100;
    /** The account label of the accounts beyond {@link #MAX_ACCOUNTS}. */
    public static final String OTHER_ACCOUNT = "_other";
    /** The reasons always exported, zero or not, so that dashboards and alerts find them. */
    public static final Set<String> REASONS = Set.of("Resources", "Priority", "ReqNodeNotAvail", "NodeFail", "None");
    /**
     * A reason that is one word, like Slurm's reason codes ({@code AccountGpuLimit},
     * {@code QosJobLimit}, {@code AccountBudgetExhausted}), is its own label: the engine writes a fixed
     * set of them. Free text (with spaces, digits or a node name in it) is {@code Other}.
     */
    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("[A-Za-z]{1,40}");

    /** A GPU's state as the metrics count it. */
    public enum GpuState {
        /** Held by a running job (or by a lost gang's processes still being killed). */
        ALLOCATED,
        /** Free on a node that takes work. */
        IDLE,
        /** Free on a draining or drained node. */
        DRAINED,
        /** Free on a node whose agent is away (not responding or down). */
        DOWN
    }

    public record JobKey(String partition, JobState state) implements Comparable<JobKey> {
        @Override
        public int compareTo(JobKey o) {
            int c = partition.compareTo(o.partition);
            return c != 0 ? c : state.compareTo(o.state);
        }
    }

    public record AccountKey(String account, String partition, JobState state) implements Comparable<AccountKey> {
        @Override
        public int compareTo(AccountKey o) {
            int c = account.compareTo(o.account);
            c = c != 0 ? c : partition.compareTo(o.partition);
            return c != 0 ? c : state.compareTo(o.state);
        }
    }

    public record GpuKey(String model, String partition, GpuState state) implements Comparable<GpuKey> {
        @Override
        public int compareTo(GpuKey o) {
            int c = model.compareTo(o.model);
            c = c != 0 ? c : partition.compareTo(o.partition);
            return c != 0 ? c : state.compareTo(o.state);
        }
    }

    public record NodeKey(String partition, NodeState state) implements Comparable<NodeKey> {
        @Override
        public int compareTo(NodeKey o) {
            int c = partition.compareTo(o.partition);
            return c != 0 ? c : state.compareTo(o.state);
        }
    }

    /**
     * One account of the fair-share tree (Fair Tree, docs of {@code dev.rota.core.policy.FairTree}).
     *
     * @param normShares    its shares over its siblings', 0..1
     * @param usage         decayed GPU-seconds used by its subtree
     * @param normUsage     its usage over its siblings', 0..1
     * @param levelFairness normShares / normUsage: above 1 it used less than its share; infinite when it
     *                      used nothing
     */
    public record AccountShare(String account, double normShares, double usage, double normUsage,
            double levelFairness) {
    }

    public ClusterCounts {
        shares = List.copyOf(shares);
        jobs = Collections.unmodifiableSortedMap(new TreeMap<>(jobs));
        activeByAccount = Collections.unmodifiableSortedMap(new TreeMap<>(activeByAccount));
        pendingByReason = Collections.unmodifiableSortedMap(new TreeMap<>(pendingByReason));
        gpus = Collections.unmodifiableSortedMap(new TreeMap<>(gpus));
        nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
        fragmentation = Collections.unmodifiableSortedMap(new TreeMap<>(fragmentation));
    }

    /** The label of a pending reason: itself when it is one word, {@code None} when empty, else {@code Other}. */
    public static String reasonLabel(String reason) {
        if (reason.isEmpty()) {
            return "None";
        }
        return CODE.matcher(reason).matches() ? reason : "Other";
    }

    /**
     * Counts {@code snapshot}. Every node belongs to {@code partition} (the engine has one partition
     * today); every job state and every pending reason label appears for it, zero or not, so that
     * dashboards and alerts find the series before the first job. O(jobs + nodes).
     */
    public static ClusterCounts of(ClusterSnapshot snapshot, String partition) {
        Map<String, int[]> byPartition = new HashMap<>();
        Map<String, int[]> byAccount = new HashMap<>();
        SortedMap<String, Integer> reasons = new TreeMap<>();
        for (String r : REASONS) {
            reasons.put(r, 0);
        }
        reasons.put("Other", 0);
        byPartition.put(partition, new int[JobState.values().length]);
        Instant oldest = null;
        for (Job j : snapshot.jobs().values()) {
            String p = j.spec().partition();
            byPartition.computeIfAbsent(p, k -> new int[JobState.values().length])[j.state().ordinal()]++;
            if (j.state() == JobState.PENDING) {
                reasons.merge(reasonLabel(j.reason()), 1, Integer::sum);
                if (oldest == null || j.submitTime().isBefore(oldest)) {
                    oldest = j.submitTime();
                }
            }
            if (!j.state().isTerminal()) {
                // Keyed by account and partition; pending jobs at [0], running at [1].
                int[] c = byAccount.computeIfAbsent(j.spec().account() + '\u0000' + p, k -> new int[2]);
                c[j.state() == JobState.PENDING ? 0 : 1]++;
            }
        }
        SortedMap<JobKey, Integer> jobs = new TreeMap<>();
        byPartition.forEach((p, counts) -> {
            for (JobState s : JobState.values()) {
                jobs.put(new JobKey(p, s), counts[s.ordinal()]);
            }
        });

        SortedMap<GpuKey, Integer> gpus = new TreeMap<>();
        SortedMap<NodeKey, Integer> nodes = new TreeMap<>();
        for (NodeState s : NodeState.values()) {
            nodes.put(new NodeKey(partition, s), 0);
        }
        int free = 0;
        int freeOnBusyNodes = 0;
        for (NodeView n : snapshot.nodes()) {
            nodes.merge(new NodeKey(partition, n.state()), 1, Integer::sum);
            String model = n.record().gpuModel();
            int idle = n.gpusTotal() - n.gpusAllocated();
            GpuState freeAs = switch (n.state()) {
                case IDLE, MIXED, ALLOCATED -> GpuState.IDLE;
                case DRAINING, DRAINED -> GpuState.DRAINED;
                case NOT_RESPONDING, DOWN -> GpuState.DOWN;
            };
            if (n.gpusTotal() > 0) {
                for (GpuState s : GpuState.values()) {
                    gpus.putIfAbsent(new GpuKey(model, partition, s), 0);
                }
                gpus.merge(new GpuKey(model, partition, GpuState.ALLOCATED), n.gpusAllocated(), Integer::sum);
                gpus.merge(new GpuKey(model, partition, freeAs), idle, Integer::sum);
            }
            if (freeAs == GpuState.IDLE) {
                free += idle;
                if (n.gpusAllocated() > 0) {
                    freeOnBusyNodes += idle;
                }
            }
        }
        SortedMap<String, Double> fragmentation = new TreeMap<>();
        fragmentation.put(partition, free == 0 ? 0.0 : (double) freeOnBusyNodes / free);
        return new ClusterCounts(snapshot.step(), jobs, accounts(byAccount), reasons, gpus, nodes, fragmentation,
                Optional.ofNullable(oldest), shares(snapshot));
    }

    /** The account rows (not the user rows) of the last judgement's fair-share tree. */
    private static List<AccountShare> shares(ClusterSnapshot snapshot) {
        List<AccountShare> out = new ArrayList<>();
        for (FairTree.Row r : snapshot.judgement().shares()) {
            if (r.user().isEmpty() && out.size() < MAX_ACCOUNTS) {
                out.add(new AccountShare(r.account(), r.normShares(), r.usage(), r.normUsage(), r.levelFairness()));
            }
        }
        return out;
    }

    /**
     * Active jobs by (account, partition): all by name while there are at most {@link #MAX_ACCOUNTS}
     * of them, else the largest {@code MAX_ACCOUNTS - 1} by name and the rest as {@link #OTHER_ACCOUNT}.
     */
    private static SortedMap<AccountKey, Integer> accounts(Map<String, int[]> byAccount) {
        List<Map.Entry<String, int[]>> entries = new ArrayList<>(byAccount.entrySet());
        if (entries.size() > MAX_ACCOUNTS) {
            // Largest first, ties by name, so the same snapshot always folds the same accounts.
            entries.sort(Comparator.<Map.Entry<String, int[]>>comparingInt(e -> -(e.getValue()[0] + e.getValue()[1]))
                    .thenComparing(Map.Entry::getKey));
        }
        SortedMap<AccountKey, Integer> out = new TreeMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String key = entries.get(i).getKey();
            int sep = key.indexOf('\u0000');
            String account = i < MAX_ACCOUNTS - 1 || entries.size() <= MAX_ACCOUNTS ? key.substring(0, sep)
                    : OTHER_ACCOUNT;
            String partition = key.substring(sep + 1);
            int[] c = entries.get(i).getValue();
            out.merge(new AccountKey(account, partition, JobState.PENDING), c[0], Integer::sum);
            out.merge(new AccountKey(account, partition, JobState.RUNNING), c[1], Integer::sum);
        }
        return out;
    }
}
