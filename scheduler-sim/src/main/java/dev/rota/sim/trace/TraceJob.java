package dev.rota.sim.trace;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One job of a trace, as the simulator replays it.
 *
 * @param index    position in the trace after sorting by submit time (ties in file order), from 0
 * @param source   where it came from, for messages ({@code file:line} or {@code synthetic#n})
 * @param submit   when it was submitted (trace time)
 * @param duration how long it runs once all its GPUs are allocated (the recorded service time)
 * @param gpus     GPUs it needs in all, at least 1
 * @param account  the account it charges (a Philly virtual cluster)
 * @param limit    the time limit the user gave, or null when the trace has none (see {@link TimeLimits})
 */
public record TraceJob(int index, String source, Instant submit, Duration duration, int gpus, String account,
        Duration limit) {
    public TraceJob {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(submit, "submit");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(account, "account");
        if (gpus < 1) {
            throw new IllegalArgumentException("gpus must be at least 1: " + gpus);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
    }

    public TraceJob withIndex(int newIndex) {
        return new TraceJob(newIndex, source, submit, duration, gpus, account, limit);
    }

    public TraceJob withLimit(Duration newLimit) {
        return new TraceJob(index, source, submit, duration, gpus, account, newLimit);
    }
}
