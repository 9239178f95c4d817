package dev.rota.core.policy;

import java.util.Objects;

/**
 * A quality of service a job asks for ({@code --qos}).
 *
 * @param priority added to the job's priority through the QoS factor (its share of the highest QoS
 *                 priority), non-negative
 * @param limits   caps on the running work of all jobs in this QoS, and per user
 */
public record Qos(String name, long priority, Limits limits) {
    public Qos {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(limits, "limits");
        if (priority < 0) {
            throw new IllegalArgumentException("priority must not be negative: " + priority);
        }
    }
}
