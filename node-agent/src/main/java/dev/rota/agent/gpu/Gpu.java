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
 */
public record Gpu(int index, String uuid, String model, long memoryBytes, String pciBusId) {

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

    /** This GPU as the agent protocol carries it. */
    public GpuInfo toProto() {
        return GpuInfo.newBuilder()
                .setIndex(index)
                .setUuid(uuid)
                .setModel(model)
                .setMemoryBytes(memoryBytes)
                .setPciBusId(pciBusId)
                .build();
    }
}
