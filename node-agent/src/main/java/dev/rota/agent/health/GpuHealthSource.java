package dev.rota.agent.health;

/**
 * Reads the health of this node's GPUs: {@link NvidiaSmiHealth} asks the driver; tests pass a
 * lambda. Implementations are thread-safe, may block for their own timeout, and never throw: a
 * source that cannot be read answers {@link Reading.Unavailable}.
 */
@FunctionalInterface
public interface GpuHealthSource {

    Reading<GpuReadout> read();
}
