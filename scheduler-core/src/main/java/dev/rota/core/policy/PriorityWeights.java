package dev.rota.core.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Weights of the multifactor priority. Each factor is in [0, 1]; a job's priority is the weighted
 * sum, rounded. Unlike Slurm, whose weights all default to 0 (every job then has the same priority
 * and the queue is FIFO without anyone noticing), every default here is non-zero.
 *
 * @param fairShare weight of the fair-share factor (the account tree's judgement)
 * @param age       weight of time waiting, which reaches 1 at {@code maxAge}
 * @param jobSize   weight of the job's share of the cluster's GPUs (larger first, so that big gangs
 *                  are not starved by a stream of small jobs)
 * @param qos       weight of the job's QoS priority relative to the highest QoS priority
 * @param maxAge    the wait after which the age factor stops growing
 */
public record PriorityWeights(long fairShare, long age, long jobSize, long qos, Duration maxAge) {
    public static final PriorityWeights DEFAULTS = new PriorityWeights(10_000, 1_000, 1_000, 2_000,
            Duration.ofDays(7));

    public PriorityWeights {
        Objects.requireNonNull(maxAge, "maxAge");
        if (fairShare < 0 || age < 0 || jobSize < 0 || qos < 0) {
            throw new IllegalArgumentException("priority weights must not be negative");
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive: " + maxAge);
        }
    }
}
