package dev.rota.sim.run;

import java.time.Duration;
import java.time.Instant;

/**
 * What happened to one trace job in one simulated run.
 *
 * @param traceIndex the job's index in the trace
 * @param account    the account it charged
 * @param gpus       GPUs it held
 * @param nodes      nodes it spanned
 * @param submit     when it was submitted
 * @param start      when its (last) attempt started; null if it never did
 * @param end        when it ended; null if it never did
 * @param state      how it ended (COMPLETED, TIMEOUT, ...), or REJECTED / PENDING
 * @param leaves     leaf switches its nodes spanned (0 if it never ran)
 * @param minLeaves  the fewest leaves a job of its node count can span
 */
public record JobOutcome(int traceIndex, String account, int gpus, int nodes, Instant submit, Instant start,
        Instant end, String state, int leaves, int minLeaves) {

    public boolean ran() {
        return start != null && end != null;
    }

    /** Submit to end (job completion time). */
    public Duration jct() {
        return Duration.between(submit, end);
    }

    /** Submit to start (queueing delay). */
    public Duration queueingDelay() {
        return Duration.between(submit, start);
    }

    public Duration runTime() {
        return Duration.between(start, end);
    }
}
