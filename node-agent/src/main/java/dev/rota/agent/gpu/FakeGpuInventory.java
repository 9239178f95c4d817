package dev.rota.agent.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Invented GPUs for development, tests and the daemon's standalone mode: {@code count} identical
 * devices of {@code model} with 80 GiB each and deterministic UUIDs {@code GPU-fake-<node>-<index>},
 * so that several fake nodes on one host never share a UUID. Immutable and thread-safe.
 */
public record FakeGpuInventory(String nodeName, int count, String model) implements GpuInventory {

    /** Memory of every fake GPU: 80 GiB. */
    public static final long MEMORY_BYTES = 80L << 30;

    public FakeGpuInventory {
        if (count < 0) {
            throw new IllegalArgumentException("fake GPU count must be >= 0, was " + count);
        }
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("nodeName must not be blank");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
    }

    @Override
    public List<Gpu> discover() {
        List<Gpu> gpus = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            gpus.add(new Gpu(i, "GPU-fake-" + nodeName + "-" + i, model, MEMORY_BYTES,
                    String.format(Locale.ROOT, "00000000:%02X:00.0", 0x10 + i)));
        }
        return List.copyOf(gpus);
    }

    @Override
    public String describe() {
        return "fake";
    }
}
