package dev.rota.agent.health;

import dev.rota.agent.v1.NodeHealth;
import java.util.List;

/**
 * The verdict of one health assessment, with the readings it judged. Immutable. Fault and warning
 * texts are stable while their condition lasts (they hold no reading that changes from poll to
 * poll), so {@link #sameVerdict} tells a change of condition from a change of readings.
 *
 * @param faults   fatal conditions, most precise first: each drains the node; the first is the
 *                 drain reason
 * @param warnings conditions reported but not drained for
 * @param gpus     per GPU: the registered ones by index, then any the agent did not register
 */
public record HealthReport(List<String> faults, List<String> warnings, List<GpuStatus> gpus) {

    /** Nothing watched or nothing wrong. */
    public static final HealthReport HEALTHY = new HealthReport(List.of(), List.of(), List.of());

    public HealthReport {
        faults = List.copyOf(faults);
        warnings = List.copyOf(warnings);
        gpus = List.copyOf(gpus);
    }

    public boolean healthy() {
        return faults.isEmpty();
    }

    /** The first fault, e.g. {@code gpu 3: XID 79 (GPU has fallen off the bus)}; empty when healthy. */
    public String drainReason() {
        return faults.isEmpty() ? "" : faults.getFirst();
    }

    /** Whether {@code other} has the same faults and warnings, whatever its readings. */
    public boolean sameVerdict(HealthReport other) {
        return faults.equals(other.faults) && warnings.equals(other.warnings);
    }

    /** This report as the agent protocol carries it. */
    public NodeHealth toProto() {
        return NodeHealth.newBuilder()
                .setHealthy(healthy())
                .setDrainReason(drainReason())
                .addAllFaults(faults)
                .addAllWarnings(warnings)
                .addAllGpus(gpus.stream().map(GpuStatus::toProto).toList())
                .build();
    }
}
