package dev.rota.core.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A quality of service a job asks for ({@code --qos}).
 *
 * @param priority    added to the job's priority through the QoS factor (its share of the highest QoS
 *                    priority), non-negative
 * @param limits      caps on the running work of all jobs in this QoS, and per user
 * @param preempts    the QoS levels whose running jobs a blocked job of this QoS may preempt
 * @param preemptMode what happens to a job of this QoS when it is preempted
 * @param graceTime   for jobs of this QoS when preempted: time between SIGTERM and SIGKILL
 * @param minRunTime  jobs of this QoS are never preempted before they have run this long, so that
 *                    nothing thrashes
 */
public record Qos(String name, long priority, Limits limits, Set<String> preempts, PreemptMode preemptMode,
        Duration graceTime, Duration minRunTime) {

    /** How a preempted job stops. */
    public enum PreemptMode {
        /** Killed (TERM, grace, KILL) and put back in the queue with the same id: the default. */
        REQUEUE,
        /** Killed and ended CANCELLED, reason "Preempted by job N". */
        CANCEL
    }

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MIN_RUN_TIME = Duration.ofMinutes(5);

    public Qos {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(limits, "limits");
        preempts = Set.copyOf(preempts);
        Objects.requireNonNull(preemptMode, "preemptMode");
        Objects.requireNonNull(graceTime, "graceTime");
        Objects.requireNonNull(minRunTime, "minRunTime");
        if (priority < 0) {
            throw new IllegalArgumentException("priority must not be negative: " + priority);
        }
        if (preempts.contains(name)) {
            throw new IllegalArgumentException("QoS '" + name + "' may not preempt itself");
        }
    }

    /** A QoS that preempts nothing, with the default preemption settings for its own jobs. */
    public Qos(String name, long priority, Limits limits) {
        this(name, priority, limits, Set.of(), PreemptMode.REQUEUE, DEFAULT_GRACE, DEFAULT_MIN_RUN_TIME);
    }
}
