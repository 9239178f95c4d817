package dev.rota.core.node;

/**
 * One GPU of a node as its agent reported it.
 *
 * @param index       the driver's index on its node
 * @param uuid        the driver's UUID; may be empty
 * @param model       the product name
 * @param memoryBytes total memory; 0 when unknown
 * @param numaNode    the NUMA node the GPU is closest to ({@code nvidia-smi topo -m}); -1 when unknown
 */
public record Gpu(int index, String uuid, String model, long memoryBytes, int numaNode) {

    /** A GPU whose NUMA node is unknown. */
    public Gpu(int index, String uuid, String model, long memoryBytes) {
        this(index, uuid, model, memoryBytes, -1);
    }
}
