package dev.rota.agent.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Lists GPUs by running {@code nvidia-smi --query-gpu=index,uuid,name,memory.total,pci.bus_id
 * --format=csv,noheader,nounits}. Each {@link #discover()} runs the tool once and kills it after
 * {@code timeout}. Thread-safe (holds no state beyond its configuration).
 *
 * <p>The output is parsed defensively by {@link #parse(String)}: blank lines and lines that do not
 * have an index are skipped; {@code [N/A]}, {@code [Not Supported]} and other bracketed driver
 * remarks become "unknown" (empty string, or 0 bytes of memory).
 */
public final class NvidiaSmiInventory implements GpuInventory {

    /** The query this inventory runs; the columns {@link #parse(String)} expects, in order. */
    public static final List<String> QUERY = List.of(
            "--query-gpu=index,uuid,name,memory.total,pci.bus_id", "--format=csv,noheader,nounits");

    private static final Logger LOG = Logger.getLogger(NvidiaSmiInventory.class.getName());
    private static final long MIB = 1L << 20;

    private final Path executable;
    private final Duration timeout;

    /**
     * @param executable path of {@code nvidia-smi}
     * @param timeout    how long one run may take before it is killed and discovery fails
     */
    public NvidiaSmiInventory(Path executable, Duration timeout) {
        this.executable = Objects.requireNonNull(executable, "executable");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    @Override
    public List<Gpu> discover() {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(QUERY);
        Path out = null;
        try {
            // A file rather than a pipe: no reader thread, and a hung tool cannot block us on a full pipe.
            out = Files.createTempFile("rota-nvidia-smi", ".csv");
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new GpuDiscoveryException(executable + " did not answer within " + timeout.toMillis() + " ms");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new GpuDiscoveryException(executable + " exited with " + p.exitValue() + ": "
                        + firstLine(text));
            }
            return withNumaNodes(parse(text));
        } catch (IOException e) {
            throw new GpuDiscoveryException("cannot run " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GpuDiscoveryException("interrupted while running " + executable, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // A leftover temp file is harmless.
                }
            }
        }
    }

    /**
     * The GPUs with their NUMA nodes from {@code nvidia-smi topo -m}; unchanged (NUMA unknown) when
     * that fails, which costs placement quality only, never the inventory.
     */
    private List<Gpu> withNumaNodes(List<Gpu> gpus) {
        var outcome = dev.rota.agent.health.ExternalProgram.run(List.of(executable.toString(), "topo", "-m"), timeout,
                java.util.Map.of());
        if (!(outcome instanceof dev.rota.agent.health.ExternalProgram.Outcome.Exited e) || e.code() != 0) {
            java.util.logging.Logger.getLogger(NvidiaSmiInventory.class.getName()).info(executable
                    + " topo -m gave no answer (" + outcome + "); GPUs are placed without their NUMA nodes");
            return gpus;
        }
        java.util.Map<Integer, Integer> numa = TopologyMatrix.numaNodes(e.output());
        List<Gpu> out = new ArrayList<>(gpus.size());
        for (Gpu g : gpus) {
            out.add(numa.containsKey(g.index()) ? g.withNumaNode(numa.get(g.index())) : g);
        }
        return out;
    }

    @Override
    public String describe() {
        return "nvidia-smi";
    }

    /** The {@code nvidia-smi} this inventory runs; health polling runs the same one. */
    public Path executable() {
        return executable;
    }

    /**
     * Parses the output of {@link #QUERY}: one GPU per line, {@code index, uuid, name, memory MiB,
     * pci bus id}. Lines without a numeric index are skipped; the result is ordered by index with
     * duplicates dropped. Pure.
     */
    public static List<Gpu> parse(String csv) {
        List<Gpu> gpus = new ArrayList<>();
        for (String raw : csv.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = Arrays.stream(line.split(",", -1)).map(String::strip).toArray(String[]::new);
            if (f.length < 5) {
                LOG.fine(() -> "nvidia-smi: skipping line with " + f.length + " fields: " + line);
                continue;
            }
            int index;
            try {
                index = Integer.parseInt(f[0]);
            } catch (NumberFormatException e) {
                LOG.fine(() -> "nvidia-smi: skipping line without an index: " + line);
                continue;
            }
            if (index < 0) {
                continue;
            }
            // A name with a comma in it would split into extra fields: the name is everything in the middle.
            String name = String.join(", ", Arrays.asList(f).subList(2, f.length - 2));
            gpus.add(new Gpu(index, known(f[1]), known(name), mebibytes(f[f.length - 2]), known(f[f.length - 1])));
        }
        gpus.sort(Comparator.comparingInt(Gpu::index));
        List<Gpu> unique = new ArrayList<>();
        for (Gpu g : gpus) {
            if (unique.isEmpty() || unique.getLast().index() != g.index()) {
                unique.add(g);
            }
        }
        return List.copyOf(unique);
    }

    /** The value, or "" for the driver's bracketed remarks such as {@code [N/A]} or {@code [Not Supported]}. */
    private static String known(String value) {
        if (value.isEmpty() || value.equals("N/A") || (value.startsWith("[") && value.endsWith("]"))) {
            return "";
        }
        return value;
    }

    private static long mebibytes(String value) {
        String v = known(value);
        // Without nounits the value reads "81559 MiB"; accept both.
        if (v.endsWith("MiB")) {
            v = v.substring(0, v.length() - 3).strip();
        }
        try {
            long mib = Long.parseLong(v);
            return mib < 0 ? 0 : Math.multiplyExact(mib, MIB);
        } catch (NumberFormatException | ArithmeticException e) {
            return 0;
        }
    }

    private static String firstLine(String text) {
        String s = text.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
