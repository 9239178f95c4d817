package dev.rota.sim.report;

import dev.rota.sim.run.JobOutcome;
import dev.rota.sim.run.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The scheduling-quality figures of one run (docs/simulator.md defines each). Times in seconds.
 *
 * @param completed          jobs that ran to their end
 * @param rejected           submissions the engine refused (e.g. larger than the cluster)
 * @param unfinished         jobs that never started or never ended
 * @param jctMean            job completion time (submit to end), mean
 * @param jctMedian          its median
 * @param jctP99             its 99th percentile (nearest rank)
 * @param waitMean           queueing delay (submit to start), mean
 * @param waitP99            its 99th percentile
 * @param waitMax            its maximum
 * @param boundedSlowdown    mean of max(1, JCT / max(run time, 10 s))
 * @param makespan           first submit to last end
 * @param allocationRatio    allocated GPU-time over cluster GPU-time across the makespan
 * @param idleWhileQueued    mean fraction of the cluster's GPUs left free while jobs were pending
 * @param partialFreeShare   of those free GPUs, the fraction on partly used nodes (fragmented)
 * @param accounts           per account: GPU-hours, share of all GPU-hours, fair share
 * @param multiNodeJobs      jobs of more than one node that ran
 * @param multiNodeOnMinimumLeaves those spanning the fewest leaves possible
 * @param multiNodeExtraLeaves leaves beyond the minimum, summed over multi-node jobs
 * @param sortedJcts         every completed job's JCT, ascending (for the CDF)
 */
public record PolicyStats(String policy, int completed, int rejected, int unfinished, double jctMean,
        double jctMedian, double jctP99, double waitMean, double waitP99, double waitMax, double boundedSlowdown,
        double makespan, double allocationRatio, double idleWhileQueued, double partialFreeShare,
        SortedMap<String, AccountShare> accounts, int multiNodeJobs, int multiNodeOnMinimumLeaves,
        int multiNodeExtraLeaves, double[] sortedJcts) {

    /**
     * An account's GPU-hours against its fair share.
     *
     * @param gpuHours          GPU-hours it received over the run
     * @param share             its fraction of all GPU-hours (set by demand when every job completes)
     * @param fairShare         its shares over all shares
     * @param shareWhileWaiting the mean fraction of the cluster it held while it had jobs pending:
     *                          below {@code fairShare} means it waited while holding less than its due
     * @param waitingHours      how long it had jobs pending
     * @param meanWaitSeconds   its jobs' mean queueing delay
     */
    public record AccountShare(double gpuHours, double share, double fairShare, double shareWhileWaiting,
            double waitingHours, double meanWaitSeconds) {
    }

    /** Bounded slowdown's floor on run time, as in the literature (Feitelson). */
    static final double SLOWDOWN_BOUND_SECONDS = 10;

    public double multiNodeOnMinimumFraction() {
        return multiNodeJobs == 0 ? 1.0 : multiNodeOnMinimumLeaves / (double) multiNodeJobs;
    }

    public static PolicyStats of(RunResult run, SortedMap<String, Long> shares) {
        List<Double> jct = new ArrayList<>();
        List<Double> wait = new ArrayList<>();
        double slowdown = 0;
        int rejected = 0;
        int unfinished = 0;
        int multi = 0;
        int onMin = 0;
        int extra = 0;
        SortedMap<String, Double> gpuSeconds = new TreeMap<>();
        shares.keySet().forEach(a -> gpuSeconds.put(a, 0.0));
        SortedMap<String, double[]> accountWaits = new TreeMap<>(); // account -> {sum of waits, jobs}
        shares.keySet().forEach(a -> accountWaits.put(a, new double[2]));
        double totalGpuSeconds = 0;
        for (JobOutcome o : run.outcomes()) {
            if (o.state().equals("REJECTED")) {
                rejected++;
                continue;
            }
            if (!o.ran()) {
                unfinished++;
                continue;
            }
            double j = seconds(o.jct());
            double r = seconds(o.runTime());
            jct.add(j);
            wait.add(seconds(o.queueingDelay()));
            double[] aw = accountWaits.computeIfAbsent(o.account(), x -> new double[2]);
            aw[0] += seconds(o.queueingDelay());
            aw[1]++;
            slowdown += Math.max(1, j / Math.max(r, SLOWDOWN_BOUND_SECONDS));
            double g = o.gpus() * r;
            gpuSeconds.merge(o.account(), g, Double::sum);
            totalGpuSeconds += g;
            if (o.nodes() > 1) {
                multi++;
                if (o.leaves() <= o.minLeaves()) {
                    onMin++;
                }
                extra += Math.max(0, o.leaves() - o.minLeaves());
            }
        }
        double[] jcts = sorted(jct);
        double[] waits = sorted(wait);
        long shareTotal = shares.values().stream().mapToLong(Long::longValue).sum();
        SortedMap<String, AccountShare> accounts = new TreeMap<>();
        for (var e : gpuSeconds.entrySet()) {
            long s = shares.getOrDefault(e.getKey(), 0L);
            RunResult.AccountTime at = run.accountTimes().getOrDefault(e.getKey(), new RunResult.AccountTime(0, 0));
            double[] aw = accountWaits.getOrDefault(e.getKey(), new double[2]);
            accounts.put(e.getKey(), new AccountShare(e.getValue() / 3600,
                    totalGpuSeconds == 0 ? 0 : e.getValue() / totalGpuSeconds, shareTotal == 0 ? 0 : s / (double) shareTotal,
                    at.waitingSeconds() == 0 ? 0 : at.heldWhileWaitingGpuSeconds() / (at.waitingSeconds() * run.totalGpus()),
                    at.waitingSeconds() / 3600, aw[1] == 0 ? 0 : aw[0] / aw[1]));
        }
        double makespan = seconds(Duration.between(run.start(), run.end()));
        double capacity = run.totalGpus() * makespan;
        double queuedCapacity = run.totalGpus() * run.queuedSeconds();
        double idleWhileQueued = queuedCapacity == 0 ? 0 : run.idleWhileQueuedGpuSeconds() / queuedCapacity;
        double partial = run.idleWhileQueuedGpuSeconds() == 0 ? 0
                : run.partialFreeWhileQueuedGpuSeconds() / run.idleWhileQueuedGpuSeconds();
        return new PolicyStats(run.policy(), jcts.length, rejected, unfinished, mean(jcts), percentile(jcts, 0.5),
                percentile(jcts, 0.99), mean(waits), percentile(waits, 0.99), waits.length == 0 ? 0 : waits[waits.length - 1],
                jcts.length == 0 ? 0 : slowdown / jcts.length, makespan,
                capacity == 0 ? 0 : run.allocatedGpuSeconds() / capacity, idleWhileQueued, partial, accounts, multi, onMin,
                extra, jcts);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static double[] sorted(List<Double> values) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        Arrays.sort(a);
        return a;
    }

    /** Mean, summed in ascending order so that it does not depend on job order. */
    static double mean(double[] sortedValues) {
        if (sortedValues.length == 0) {
            return 0;
        }
        double sum = 0;
        for (double v : sortedValues) {
            sum += v;
        }
        return sum / sortedValues.length;
    }

    /** Nearest-rank percentile of ascending values; 0 when empty. */
    static double percentile(double[] sortedValues, double p) {
        if (sortedValues.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sortedValues.length);
        return sortedValues[Math.max(0, Math.min(sortedValues.length - 1, rank - 1))];
    }
}
