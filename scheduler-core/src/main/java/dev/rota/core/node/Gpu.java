package dev.rota.core.node;

/** One GPU of a node as its agent reported it. {@code memoryBytes} may be 0 when unknown. */
public record Gpu(int index, String uuid, String model, long memoryBytes) {
}
