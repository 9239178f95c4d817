package dev.rota.agent.health;

import dev.rota.agent.gpu.Gpu;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one health assessment looks at: the input of {@link HealthPolicy#assess}. Immutable.
 *
 * @param registered     the GPUs the agent found at start and registered with the daemon
 * @param gpus           this poll's GPU readings; empty when GPU health is not watched (fake GPUs)
 * @param failedGpuReads how many polls in a row, this one included, could not read the GPUs
 * @param xids           the XID events in the kernel log; empty when not watched
 * @param check          the latest result of the admin's health check program; empty when none is
 *                       configured
 */
public record Observation(List<Gpu> registered, Optional<Reading<GpuReadout>> gpus, int failedGpuReads,
        Optional<Reading<List<XidEvent>>> xids, Optional<HealthCheckProgram.Result> check) {

    public Observation {
        registered = List.copyOf(registered);
        Objects.requireNonNull(gpus, "gpus");
        Objects.requireNonNull(xids, "xids");
        Objects.requireNonNull(check, "check");
        if (failedGpuReads < 0) {
            throw new IllegalArgumentException("failedGpuReads must be >= 0, was " + failedGpuReads);
        }
    }

    /** Nothing watched, nothing seen. */
    public static Observation nothing(List<Gpu> registered) {
        return new Observation(registered, Optional.empty(), 0, Optional.empty(), Optional.empty());
    }

    public Observation withCheck(Optional<HealthCheckProgram.Result> result) {
        return new Observation(registered, gpus, failedGpuReads, xids, result);
    }
}
