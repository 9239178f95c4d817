package dev.rota.core.policy;

import java.time.Instant;

/**
 * A pending job's multifactor priority and the factors it is made of ({@code rota priority}).
 * Every factor is in [0, 1]; {@code priority} is the weighted sum, rounded down.
 *
 * @param age       time waiting over the weights' max age, capped at 1
 * @param fairShare the fair-share factor of the job's user in its account ({@link FairTree})
 * @param jobSize   the job's GPUs over the cluster's GPUs, capped at 1
 * @param qos       the job's QoS priority over the highest QoS priority (0 when all are 0)
 */
public record Priority(double age, double fairShare, double jobSize, double qos, long priority) {

    /** Judges one job at {@code now}. */
    public static Priority of(PriorityWeights w, Instant submitted, Instant now, double fairShare, int gpus,
            int clusterGpus, long qosPriority, long maxQosPriority) {
        double waited = Math.max(0, now.toEpochMilli() - submitted.toEpochMilli());
        double age = Math.min(1, waited / w.maxAge().toMillis());
        double size = clusterGpus <= 0 ? 0 : Math.min(1, gpus / (double) clusterGpus);
        double q = maxQosPriority <= 0 ? 0 : Math.min(1, qosPriority / (double) maxQosPriority);
        double sum = w.age() * age + w.fairShare() * fairShare + w.jobSize() * size + w.qos() * q;
        return new Priority(age, fairShare, size, q, (long) Math.floor(sum));
    }
}
