package dev.rota.agent.gpu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.logging.Logger;

/** Picks the inventory a node agent uses. Stateless. */
public final class GpuInventories {

    /** Model of the fallback fake GPUs. */
    public static final String DEFAULT_FAKE_MODEL = "Fake-H100";
    /** Number of fallback fake GPUs. */
    public static final int DEFAULT_FAKE_COUNT = 8;
    /** How long {@code nvidia-smi} may take. */
    public static final Duration NVIDIA_SMI_TIMEOUT = Duration.ofSeconds(15);

    private static final Logger LOG = Logger.getLogger(GpuInventories.class.getName());

    private GpuInventories() {
    }

    /**
     * The inventory for node {@code nodeName}: {@code fakeCount} fake GPUs of {@code model} when a
     * count is given; otherwise {@code nvidia-smi} when it is on {@code PATH} and lists at least one
     * GPU; otherwise {@value #DEFAULT_FAKE_COUNT} fake GPUs of {@code model} (or
     * {@value #DEFAULT_FAKE_MODEL} when {@code model} is null). Runs {@code nvidia-smi} once to check.
     */
    public static GpuInventory detect(String nodeName, OptionalInt fakeCount, String model) {
        return detect(nodeName, fakeCount, model, System.getenv("PATH"));
    }

    /** {@link #detect(String, OptionalInt, String)} searching {@code pathVariable} (a {@code PATH} value). */
    public static GpuInventory detect(String nodeName, OptionalInt fakeCount, String model, String pathVariable) {
        String fakeModel = model == null || model.isBlank() ? DEFAULT_FAKE_MODEL : model;
        if (fakeCount.isPresent()) {
            return new FakeGpuInventory(nodeName, fakeCount.getAsInt(), fakeModel);
        }
        Optional<Path> smi = findOnPath("nvidia-smi", pathVariable);
        if (smi.isPresent()) {
            NvidiaSmiInventory real = new NvidiaSmiInventory(smi.get(), NVIDIA_SMI_TIMEOUT);
            try {
                if (!real.discover().isEmpty()) {
                    return real;
                }
                LOG.warning(smi.get() + " lists no GPUs; using " + DEFAULT_FAKE_COUNT + " fake GPUs");
            } catch (GpuDiscoveryException e) {
                LOG.warning(e.getMessage() + "; using " + DEFAULT_FAKE_COUNT + " fake GPUs");
            }
        }
        return new FakeGpuInventory(nodeName, DEFAULT_FAKE_COUNT, fakeModel);
    }

    /** The first executable file called {@code name} in the directories of {@code pathVariable}. */
    static Optional<Path> findOnPath(String name, String pathVariable) {
        return dev.rota.agent.Executables.find(name, pathVariable);
    }
}
