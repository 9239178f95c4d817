package dev.rota.sim.run;

import java.time.Instant;
import java.util.List;

/**
 * One policy's run over one trace: every job's outcome and the cluster's state integrated over
 * virtual time. Integrals are in unit-seconds (GPU-seconds, job-seconds).
 *
 * @param policy              the policy's name
 * @param start               virtual time the run started (nodes registered)
 * @param end                 when the last job ended
 * @param outcomes            by trace index
 * @param totalGpus           GPUs in the cluster
 * @param allocatedGpuSeconds integral of allocated GPUs over [start, end]
 * @param queuedSeconds       time with at least one job pending
 * @param idleWhileQueuedGpuSeconds integral of free GPUs over the time with jobs pending
 * @param partialFreeWhileQueuedGpuSeconds integral, over the same time, of the free GPUs on nodes
 *                            that are partly in use (free capacity too scattered for a whole-node job)
 * @param hourlyAllocatedGpus mean allocated GPUs per hour since {@code start}
 * @param hourlyPendingJobs   mean pending jobs per hour since {@code start}
 * @param steps               engine steps taken
 * @param decisionLogSha256   hash of the decision log, hex
 * @param wallNanos           wall time of the run (not deterministic; never part of the log)
 * @param accountTimes        per account: how long it had jobs pending, and the GPU-seconds it held meanwhile
 */
public record RunResult(String policy, Instant start, Instant end, List<JobOutcome> outcomes, int totalGpus,
        double allocatedGpuSeconds, double queuedSeconds, double idleWhileQueuedGpuSeconds,
        double partialFreeWhileQueuedGpuSeconds, double[] hourlyAllocatedGpus, double[] hourlyPendingJobs, long steps,
        String decisionLogSha256, long wallNanos, java.util.SortedMap<String, AccountTime> accountTimes) {

    /**
     * An account's time with work waiting.
     *
     * @param waitingSeconds         time with at least one of its jobs pending
     * @param heldWhileWaitingGpuSeconds integral of the GPUs it held over that time
     */
    public record AccountTime(double waitingSeconds, double heldWhileWaitingGpuSeconds) {
    }
}
