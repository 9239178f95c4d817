package dev.rota.agent.health;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a node agent watches its health.
 *
 * @param interval  time between GPU polls
 * @param policy    what drains and what is only reported
 * @param kernelLog where XIDs are read from when the GPUs are real (nvidia-smi); empty: not read
 * @param check     the admin's health check program, if any
 */
public record HealthSettings(Duration interval, HealthPolicy policy, Optional<KernelLog> kernelLog,
        Optional<HealthCheckProgram> check) {

    public HealthSettings {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("health interval must be positive, was " + interval);
        }
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(kernelLog, "kernelLog");
        Objects.requireNonNull(check, "check");
    }

    /**
     * Polls every {@value HealthMonitor#DEFAULT_INTERVAL_SECONDS} s with the default policy, reads the
     * kernel log with dmesg or journalctl from this process's {@code PATH}, no check program.
     */
    public static HealthSettings defaults() {
        return new HealthSettings(HealthMonitor.DEFAULT_INTERVAL, HealthPolicy.defaults(),
                Optional.of(DmesgKernelLog.onPath(System.getenv("PATH"))), Optional.empty());
    }
}
