package dev.rota.agent.gpu;

import dev.rota.agent.v1.GpuInfo;
import java.util.Objects;

/**
 * One GPU of this node.
 *
 * @param index       the driver's index, as used in {@code CUDA_VISIBLE_DEVICES}
 * @param uuid        the driver's UUID ({@code GPU-...}); empty when the driver did not say
 * @param model       product name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param memoryBytes total memory in bytes; 0 when unknown
 * @param pciBusId    e.g. {@code 00000000:18:00.0}; empty when unknown
 * @param numaNode    the NUMA node the GPU is closest to ({@code nvidia-smi topo -m}); -1 when unknown
 */
public record Gpu(int index, String uuid, String model, long memoryBytes, String pciBusId, int numaNode) {

    /** A GPU whose NUMA node is unknown. */
    public Gpu(int index, String uuid, String model, long memoryBytes, String pciBusId) {
        this(index, uuid, model, memoryBytes, pciBusId, -1);
    }

    public Gpu {
        if (index < 0) {
            throw new IllegalArgumentException("GPU index must be >= 0, was " + index);
        }
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes must be >= 0, was " + memoryBytes);
        }
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(pciBusId, "pciBusId");
    }

    /** The same GPU on NUMA node {@code node}. */
    public Gpu withNumaNode(int node) {
        return new Gpu(index, uuid, model, memoryBytes, pciBusId, node);
    }

    /** This GPU as the agent protocol carries it. */
    public GpuInfo toProto() {
        GpuInfo.Builder b = GpuInfo.newBuilder()
                .setIndex(index)
                .setUuid(uuid)
                .setModel(model)
                .setMemoryBytes(memoryBytes)
                .setPciBusId(pciBusId);
        if (numaNode >= 0) {
            b.setNumaNode(numaNode);
        }
        return b.build();
    }
}
