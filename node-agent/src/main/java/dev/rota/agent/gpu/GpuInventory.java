package dev.rota.agent.gpu;

import java.util.List;

/**
 * Finds the GPUs of this node. Implementations are thread-safe; {@link #discover()} may be slow
 * (it can run a driver tool), so callers run it once at start-up rather than per heartbeat.
 */
public interface GpuInventory {

    /**
     * The GPUs of this node, ordered by index.
     *
     * @throws GpuDiscoveryException when the GPUs cannot be listed at all
     */
    List<Gpu> discover();

    /** A short description for logs and the start-up line, e.g. {@code nvidia-smi} or {@code fake}. */
    String describe();
}
