package dev.rota.agent.link;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: {@code initial}, doubling up to {@code max}, each delay scaled
 * by a random factor in [1 - jitter, 1 + jitter]. Not thread-safe; owned by one thread.
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final double jitter;
    private final DoubleSupplier random;
    private Duration next;

    /** @param random uniform in [0, 1) */
    Backoff(Duration initial, Duration max, double jitter, DoubleSupplier random) {
        this.initial = initial;
        this.max = max;
        this.jitter = jitter;
        this.random = random;
        this.next = initial;
    }

    /** The delay before the next attempt; each call doubles the following one, up to the max. */
    Duration nextDelay() {
        Duration base = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofNanos((long) (base.toNanos() * factor));
    }

    /** After a success: start again from the initial delay. */
    void reset() {
        next = initial;
    }
}
