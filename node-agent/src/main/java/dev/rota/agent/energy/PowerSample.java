package dev.rota.agent.energy;

import dev.rota.agent.health.GpuStatus;
import dev.rota.agent.health.HealthReport;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * GPU power draw at one moment: watts per GPU index, for the GPUs that had a reading. Immutable.
 *
 * @param atNanos when it was taken, on the {@link System#nanoTime()} clock
 * @param watts   power draw in watts by GPU index; GPUs without a reading are absent
 */
public record PowerSample(long atNanos, Map<Integer, Double> watts) {

    public PowerSample {
        Objects.requireNonNull(watts, "watts");
        watts = Map.copyOf(watts);
    }

    /** The power readings of a health report (nvidia-smi's {@code power.draw}), taken at {@code atNanos}. */
    public static PowerSample of(HealthReport report, long atNanos) {
        Map<Integer, Double> watts = new TreeMap<>();
        for (GpuStatus g : report.gpus()) {
            g.sample().ifPresent(s -> s.powerW().ifPresent(w -> {
                if (Double.isFinite(w) && w >= 0) {
                    watts.put(g.index(), w);
                }
            }));
        }
        return new PowerSample(atNanos, watts);
    }
}
