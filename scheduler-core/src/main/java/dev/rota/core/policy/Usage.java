package dev.rota.core.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * GPU-seconds consumed, as of one instant: {@code decayed} halves every half-life (for fair share),
 * {@code total} never decays (for budgets). A pure value: the decayed figure at any later time is
 * computed from {@code asOf}, so no thread ever has to decay anything.
 *
 * @param decayed GPU-seconds, each weighted by 2^-(age / half-life), as of {@code asOf}
 * @param total   GPU-seconds ever charged
 */
public record Usage(double decayed, double total, Instant asOf) {
    public static final Usage NONE = new Usage(0, 0, Instant.EPOCH);

    public Usage {
        Objects.requireNonNull(asOf, "asOf");
        if (!(decayed >= 0) || !(total >= 0)) {
            throw new IllegalArgumentException("usage must be non-negative: " + decayed + ", " + total);
        }
    }

    /** The decayed usage at {@code t} (not before {@code asOf}), nothing added. */
    public double decayedAt(Instant t, Duration halfLife) {
        return decayed * decay(Duration.between(asOf, t), halfLife);
    }

    /**
     * This usage plus a job's: {@code gpus} GPUs held from {@code start} to {@code end}, decayed
     * continuously (each second of it weighted by its own age), as of {@code end}.
     */
    public Usage charge(int gpus, Instant start, Instant end, Duration halfLife) {
        if (end.isBefore(asOf)) {
            throw new IllegalArgumentException("charge ending at " + end + " before the usage's time " + asOf);
        }
        double seconds = Math.max(0, Duration.between(start, end).toNanos() / 1e9);
        return new Usage(decayedAt(end, halfLife) + running(gpus, start, end, halfLife), total + gpus * seconds, end);
    }

    /**
     * The decayed GPU-seconds at {@code t} of {@code gpus} GPUs held since {@code start}: the integral
     * of 2^-((t - u) / h) du from start to t, times gpus, which is gpus * h / ln 2 * (1 - 2^-((t - start) / h)).
     */
    public static double running(int gpus, Instant start, Instant t, Duration halfLife) {
        double elapsed = Duration.between(start, t).toNanos() / 1e9;
        if (elapsed <= 0 || gpus == 0) {
            return 0;
        }
        double h = halfLife.toNanos() / 1e9;
        return gpus * h / Math.log(2) * -Math.expm1(-elapsed * Math.log(2) / h);
    }

    private static double decay(Duration age, Duration halfLife) {
        if (age.isNegative() || age.isZero()) {
            return 1;
        }
        return Math.pow(2, -(age.toNanos() / (double) halfLife.toNanos()));
    }
}
