package dev.rota.agent.energy;

import java.util.OptionalDouble;
import java.util.Set;

/**
 * The energy one allocation's GPUs on this node draw, in joules, integrated from power samples.
 *
 * <p>Between two samples each GPU contributes the trapezoid {@code (P1 + P2) / 2 * dt} (watts times
 * seconds, so joules). A GPU missing from either sample contributes nothing for that interval, so
 * the total is a lower bound where readings are missing. {@link #close} holds the last reading until
 * the end (the job's exit or release), so that the stretch after the last poll is counted too.
 *
 * <p>Not thread-safe: the owner serialises calls.
 */
public final class EnergyAccount {

    private final Set<Integer> gpus;
    private PowerSample last;
    private double joules;
    private boolean measured;
    private OptionalDouble closed;

    /** An account for the GPUs with these indices, from its first sample on. */
    public EnergyAccount(Set<Integer> gpus) {
        this.gpus = Set.copyOf(gpus);
    }

    /** Adds a sample; samples that are not later than the last one are ignored. */
    public void add(PowerSample sample) {
        if (closed != null || (last != null && sample.atNanos() <= last.atNanos())) {
            return;
        }
        if (last != null) {
            double seconds = (sample.atNanos() - last.atNanos()) / 1e9;
            for (int gpu : gpus) {
                Double before = last.watts().get(gpu);
                Double now = sample.watts().get(gpu);
                if (before != null && now != null) {
                    joules += (before + now) / 2 * seconds;
                }
            }
        }
        for (int gpu : gpus) {
            measured |= sample.watts().containsKey(gpu);
        }
        last = sample;
    }

    /**
     * Ends the account at {@code atNanos}, holding each GPU's last reading until then, and gives the
     * total; empty when no GPU of it ever had a reading. Later calls give the same total.
     */
    public OptionalDouble close(long atNanos) {
        if (closed == null) {
            if (last != null && atNanos > last.atNanos()) {
                double seconds = (atNanos - last.atNanos()) / 1e9;
                for (int gpu : gpus) {
                    Double w = last.watts().get(gpu);
                    if (w != null) {
                        joules += w * seconds;
                    }
                }
            }
            closed = measured ? OptionalDouble.of(joules) : OptionalDouble.empty();
        }
        return closed;
    }
}
