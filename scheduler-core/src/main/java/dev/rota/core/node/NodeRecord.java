package dev.rota.core.node;

import java.util.List;
import java.util.Optional;

/**
 * What the engine persists about a node: identity, inventory and the admin's drain. Connection
 * state and GPU usage are not persisted: they are derived after a restart from agents and jobs.
 *
 * @param address host:port of the node agent's step service
 * @param drain   present while drained
 */
public record NodeRecord(String name, String address, List<Gpu> gpus, Optional<Drain> drain) {
    public NodeRecord {
        gpus = List.copyOf(gpus);
    }

    public NodeRecord withDrain(Optional<Drain> newDrain) {
        return new NodeRecord(name, address, gpus, newDrain);
    }

    /** The model of its GPUs ("" when it has none; the first one's when mixed). */
    public String gpuModel() {
        return gpus.isEmpty() ? "" : gpus.get(0).model();
    }
}
