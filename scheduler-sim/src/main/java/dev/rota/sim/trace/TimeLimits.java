package dev.rota.sim.trace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The time limits users would have given, for traces that record none. Assumption (documented in
 * docs/simulator.md): a user asks for {@code duration x f}, with {@code f} drawn uniformly from
 * {@code [minFactor, maxFactor]} (seeded, one draw per job in trace order), rounded up the way
 * people write limits: to a multiple of 15 minutes below an hour, and of a whole hour from one hour
 * on. A limit is never below the duration, so no job of a trace times out unless the factor range
 * allows it ({@code minFactor < 1}).
 *
 * @param minFactor lowest factor, positive
 * @param maxFactor highest factor, at least {@code minFactor}
 * @param rounding  whether limits are rounded up as users do (else kept to the second, rounded up)
 */
public record TimeLimits(double minFactor, double maxFactor, boolean rounding) {
    public static final TimeLimits DEFAULT = new TimeLimits(1.0, 3.0, true);

    public TimeLimits {
        if (!(minFactor > 0) || !(maxFactor >= minFactor) || Double.isInfinite(maxFactor)) {
            throw new IllegalArgumentException("limit factors need 0 < min <= max: " + minFactor + ".." + maxFactor);
        }
    }

    /** Parses {@code LO..HI}, e.g. {@code 1..3}. */
    public static TimeLimits parseFactors(String text, boolean rounding) {
        String[] parts = text.split("\\.\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("limit factor range must look like 1..3, got '" + text + "'");
        }
        try {
            return new TimeLimits(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), rounding);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit factor range must look like 1..3, got '" + text + "'");
        }
    }

    /** Jobs with a limit keep it; the others get one drawn with {@code seed}. */
    public List<TraceJob> apply(List<TraceJob> jobs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<TraceJob> out = new ArrayList<>(jobs.size());
        for (TraceJob j : jobs) {
            // Draw for every job, so that one job's recorded limit does not shift the others' draws.
            double f = minFactor + (maxFactor - minFactor) * random.nextDouble();
            out.add(j.limit() != null ? j : j.withLimit(limitFor(j.duration(), f)));
        }
        return out;
    }

    /** The limit for a job of {@code duration} whose user multiplied it by {@code factor}. */
    public Duration limitFor(Duration duration, double factor) {
        long wanted = (long) Math.ceil(duration.toMillis() * factor / 1000.0);
        long seconds = Math.max(1, wanted);
        if (rounding) {
            long step = seconds < 3600 ? 900 : 3600;
            seconds = (seconds + step - 1) / step * step;
        }
        return Duration.ofSeconds(seconds);
    }

    @Override
    public String toString() {
        return "duration x U[" + minFactor + ", " + maxFactor + "]" + (rounding ? ", rounded up to 15 min below 1 h, "
                + "to 1 h above" : ", to the second");
    }
}
