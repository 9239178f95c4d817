package dev.rota.agent.health;

import dev.rota.agent.health.ExternalProgram.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads GPU health with two nvidia-smi queries per {@link #read()}:
 * <ol>
 *   <li>{@code --query-gpu=}{@link #FIELDS} {@code --format=csv,noheader,nounits}: temperature, power,
 *       uncorrectable ECC errors, pending page retirement and clock event (throttle) reasons;</li>
 *   <li>{@code --query-remapped-rows=}{@link #REMAP_FIELDS} {@code --format=csv,noheader,nounits}: row
 *       remapping pending or failed (Ampere and later; left unknown where unsupported).</li>
 * </ol>
 * Field names as {@code nvidia-smi --help-query-gpu} documents them (nvidia-smi(1)).
 *
 * <p>Defensive by contract: a driver that rejects a field ({@code Field "x" is not a valid field to
 * query.}) loses that field for the life of this object, with a note in every readout, and the query
 * is retried at once without it; values {@code [N/A]} and {@code [Not Supported]} are "unknown";
 * other bracketed remarks ({@code [Unknown Error]}) are unknown and reported as remarks; lines that
 * are not a GPU row are skipped, except nvidia-smi's "Unable to determine the device handle for GPU
 * ..." which names a lost GPU. A missing binary, a non-zero exit without any GPU row, and a timeout
 * are {@link Reading.Unavailable}.
 *
 * <p>Thread-safe; each {@link #read()} blocks for at most twice the timeout (plus retries after a
 * rejected field, once per field).
 */
public final class NvidiaSmiHealth implements GpuHealthSource {

    /** The columns of the GPU query, in order. The first three are required; the rest may be dropped. */
    public static final List<String> FIELDS = List.of("index", "uuid", "pci.bus_id", "temperature.gpu",
            "power.draw", "ecc.errors.uncorrected.volatile.total", "retired_pages.pending",
            "clocks_throttle_reasons.active");
    /** The columns of the remapped-rows query, in order. */
    public static final String REMAP_FIELDS = "gpu_bus_id,remapped_rows.pending,remapped_rows.failure";
    /**
     * The columns of the usage query, for metrics only: asked apart from {@link #FIELDS} so that a driver
     * without them costs no health note, only the usage readings.
     */
    public static final String USAGE_FIELDS = "index,utilization.gpu,memory.used";

    private static final int REQUIRED_FIELDS = 3;
    private static final Logger LOG = Logger.getLogger(NvidiaSmiHealth.class.getName());
    private static final Pattern INVALID_FIELD = Pattern.compile("Field \"([^\"]+)\" is not a valid field to query");
    private static final Pattern LOST = Pattern.compile(
            "Unable to determine the device handle for (?i:gpu)\\s*([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}"
                    + "(?:\\.[0-7])?)\\s*:\\s*(.*)");
    private static final String NO_DEVICES = "No devices were found";

    private final Path executable;
    private final Duration timeout;
    // Shrink only, when the driver rejects a field; a read that races a shrink merely retries.
    private volatile List<String> fields = FIELDS;
    private volatile List<String> unknownToDriver = List.of();
    private volatile boolean remapQueryKnown = true;
    private volatile boolean usageQueryKnown = true;

    /**
     * @param executable path of {@code nvidia-smi}
     * @param timeout    how long one run may take before it is killed
     */
    public NvidiaSmiHealth(Path executable, Duration timeout) {
        this.executable = Objects.requireNonNull(executable, "executable");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    @Override
    public Reading<GpuReadout> read() {
        for (int attempt = 0; attempt <= FIELDS.size(); attempt++) {
            List<String> asked = fields;
            Outcome outcome = ExternalProgram.run(
                    List.of(executable.toString(), "--query-gpu=" + String.join(",", asked),
                            "--format=csv,noheader,nounits"),
                    timeout, Map.of());
            switch (outcome) {
                case Outcome.NotStarted n -> {
                    return Reading.unavailable("cannot run " + executable + ": " + n.why());
                }
                case Outcome.TimedOut t -> {
                    return Reading.unavailable("nvidia-smi did not answer within " + seconds(t.after()));
                }
                case Outcome.Exited e -> {
                    Optional<String> rejected = rejectedField(e.output());
                    if (e.code() != 0 && rejected.isPresent()) {
                        if (!drop(rejected.get())) {
                            return Reading.unavailable("nvidia-smi rejects the field " + rejected.get());
                        }
                        continue;
                    }
                    GpuReadout readout = parse(e.output(), asked);
                    if (e.code() != 0 && readout.gpus().isEmpty() && readout.lost().isEmpty()
                            && !e.output().contains(NO_DEVICES)) {
                        return Reading.unavailable("nvidia-smi exited with " + e.code() + ": "
                                + ExternalProgram.firstLine(e.output()));
                    }
                    List<String> notes = new ArrayList<>(readout.notes());
                    for (String f : unknownToDriver) {
                        notes.add("nvidia-smi does not know " + f + ": not watched");
                    }
                    return Reading.of(new GpuReadout(withUsage(withRemappedRows(readout.gpus())), readout.lost(),
                            notes));
                }
            }
        }
        return Reading.unavailable("nvidia-smi rejects every optional field");
    }

    /**
     * Parses the output of the GPU query for {@code fields} (the columns asked, in order): one GPU per
     * line; lines with another number of columns or without a numeric index are skipped, lost-GPU
     * lines become {@link GpuReadout.LostGpu}s. Ordered by index, duplicates dropped. Pure.
     */
    public static GpuReadout parse(String csv, List<String> fields) {
        List<GpuSample> gpus = new ArrayList<>();
        List<GpuReadout.LostGpu> lost = new ArrayList<>();
        for (String raw : csv.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LOST.matcher(line);
            if (m.find()) {
                lost.add(new GpuReadout.LostGpu(m.group(1), m.group(2).strip()));
                continue;
            }
            String[] cols = line.split(",", -1);
            if (cols.length != fields.size()) {
                LOG.fine(() -> "nvidia-smi: skipping a line with " + cols.length + " columns: " + line);
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < cols.length; i++) {
                row.put(fields.get(i), cols[i].strip());
            }
            sample(row).ifPresent(gpus::add);
        }
        gpus.sort(Comparator.comparingInt(GpuSample::index));
        List<GpuSample> unique = new ArrayList<>();
        for (GpuSample g : gpus) {
            if (unique.isEmpty() || unique.getLast().index() != g.index()) {
                unique.add(g);
            }
        }
        return new GpuReadout(unique, lost, List.of());
    }

    /**
     * Parses the remapped-rows query ({@link #REMAP_FIELDS}) into pending and failed flags per PCI
     * address. Lines it cannot read are skipped. Pure.
     */
    static Map<PciAddress, RemapState> parseRemappedRows(String csv) {
        Map<PciAddress, RemapState> out = new HashMap<>();
        for (String raw : csv.split("\\R")) {
            String[] cols = raw.strip().split(",", -1);
            if (cols.length != 3) {
                continue;
            }
            Optional<PciAddress> bus = PciAddress.parse(cols[0]);
            if (bus.isEmpty()) {
                continue;
            }
            List<String> remarks = new ArrayList<>();
            out.put(bus.get(), new RemapState(flag("remapped_rows.pending", cols[1].strip(), remarks),
                    flag("remapped_rows.failure", cols[2].strip(), remarks)));
        }
        return out;
    }

    /** Pending and failed row remapping of one GPU; empty when the driver did not say. */
    record RemapState(Optional<Boolean> pending, Optional<Boolean> failed) {
    }

    // ---- internals ----

    private synchronized boolean drop(String field) {
        int at = fields.indexOf(field);
        if (at < REQUIRED_FIELDS) {
            return false;
        }
        List<String> shorter = new ArrayList<>(fields);
        shorter.remove(at);
        fields = List.copyOf(shorter);
        List<String> unknown = new ArrayList<>(unknownToDriver);
        unknown.add(field);
        unknownToDriver = List.copyOf(unknown);
        LOG.warning(executable + " does not know the field " + field + "; it is not watched");
        return true;
    }

    private List<GpuSample> withRemappedRows(List<GpuSample> gpus) {
        if (!remapQueryKnown || gpus.isEmpty()) {
            return gpus;
        }
        Outcome outcome = ExternalProgram.run(List.of(executable.toString(), "--query-remapped-rows=" + REMAP_FIELDS,
                "--format=csv,noheader,nounits"), timeout, Map.of());
        if (!(outcome instanceof Outcome.Exited e)) {
            return gpus;
        }
        if (e.code() != 0) {
            if (rejectedField(e.output()).isPresent() || e.output().contains("Invalid combination")
                    || e.output().contains("not supported")) {
                // An older driver without the query: stop asking.
                remapQueryKnown = false;
            }
            return gpus;
        }
        Map<PciAddress, RemapState> remap = parseRemappedRows(e.output());
        List<GpuSample> out = new ArrayList<>(gpus.size());
        for (GpuSample g : gpus) {
            RemapState r = PciAddress.parse(g.pciBusId()).map(remap::get).orElse(null);
            out.add(r == null ? g : g.withRemappedRows(r.pending(), r.failed()));
        }
        return out;
    }

    /**
     * The GPUs with their utilisation and memory used, from a third query ({@link #USAGE_FIELDS}). A
     * driver that refuses it is not asked again; a failed run leaves the readings unknown. Neither is a
     * health note: these readings are for metrics, not for the verdict.
     */
    private List<GpuSample> withUsage(List<GpuSample> gpus) {
        if (!usageQueryKnown || gpus.isEmpty()) {
            return gpus;
        }
        Outcome outcome = ExternalProgram.run(List.of(executable.toString(), "--query-gpu=" + USAGE_FIELDS,
                "--format=csv,noheader,nounits"), timeout, Map.of());
        if (!(outcome instanceof Outcome.Exited e)) {
            return gpus;
        }
        if (e.code() != 0) {
            if (rejectedField(e.output()).isPresent()) {
                LOG.fine(() -> executable + " does not know " + USAGE_FIELDS + "; GPU utilisation is not exported");
                usageQueryKnown = false;
            }
            return gpus;
        }
        Map<Integer, GpuSample> usage = new HashMap<>();
        for (GpuSample u : parseUsage(e.output())) {
            usage.put(u.index(), u);
        }
        List<GpuSample> out = new ArrayList<>(gpus.size());
        for (GpuSample g : gpus) {
            GpuSample u = usage.get(g.index());
            out.add(u == null ? g : g.withUsage(u.utilizationPercent(), u.memoryUsedBytes()));
        }
        return out;
    }

    /**
     * Parses the usage query's output ({@link #USAGE_FIELDS}, memory in MiB): samples carrying only the
     * index, utilisation and memory used. Lines it cannot read are skipped. Pure.
     */
    static List<GpuSample> parseUsage(String csv) {
        List<GpuSample> out = new ArrayList<>();
        for (String raw : csv.split("\\R")) {
            String[] cols = raw.strip().split(",", -1);
            if (cols.length != 3) {
                continue;
            }
            int index;
            try {
                index = Integer.parseInt(cols[0].strip());
            } catch (NumberFormatException e) {
                continue;
            }
            List<String> ignored = new ArrayList<>();
            Map<String, String> row = Map.of("utilization.gpu", cols[1].strip(), "memory.used", cols[2].strip());
            OptionalDouble util = decimal(row, "utilization.gpu", "%", ignored);
            OptionalDouble mib = decimal(row, "memory.used", "MiB", ignored);
            out.add(GpuSample.listed(index, "", "").withUsage(util,
                    mib.isPresent() ? OptionalLong.of(Math.round(mib.getAsDouble() * 1024 * 1024)) : OptionalLong.empty()));
        }
        return out;
    }

    private static Optional<GpuSample> sample(Map<String, String> row) {
        int index;
        try {
            index = Integer.parseInt(row.get("index"));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (index < 0) {
            return Optional.empty();
        }
        List<String> remarks = new ArrayList<>();
        String uuid = text(row, "uuid", remarks);
        String bus = text(row, "pci.bus_id", remarks);
        return Optional.of(new GpuSample(index, uuid, bus,
                decimal(row, "temperature.gpu", "C", remarks),
                decimal(row, "power.draw", "W", remarks),
                count(row, "ecc.errors.uncorrected.volatile.total", remarks),
                flag("retired_pages.pending", row.get("retired_pages.pending"), remarks),
                Optional.empty(), Optional.empty(),
                bitmask(row, "clocks_throttle_reasons.active", remarks),
                remarks));
    }

    /** The value, or null when the driver did not say; bracketed remarks other than "unknown" go to {@code remarks}. */
    private static String value(String field, String raw, List<String> remarks) {
        if (raw == null) {
            return null;
        }
        String v = raw.strip();
        if (v.isEmpty() || v.equalsIgnoreCase("N/A") || v.equalsIgnoreCase("[N/A]")
                || v.equalsIgnoreCase("[Not Supported]") || v.equalsIgnoreCase("Not Supported")) {
            return null;
        }
        if (v.startsWith("[") && v.endsWith("]")) {
            remarks.add(field + " reads " + v);
            return null;
        }
        return v;
    }

    private static String text(Map<String, String> row, String field, List<String> remarks) {
        String v = value(field, row.get(field), remarks);
        return v == null ? "" : v;
    }

    private static OptionalDouble decimal(Map<String, String> row, String field, String unit, List<String> remarks) {
        String v = value(field, row.get(field), remarks);
        if (v == null) {
            return OptionalDouble.empty();
        }
        // Without nounits the value reads "45 C" or "69.55 W"; accept both.
        if (v.endsWith(unit)) {
            v = v.substring(0, v.length() - unit.length()).strip();
        }
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return OptionalDouble.of(d);
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        remarks.add(field + " reads '" + v + "'");
        return OptionalDouble.empty();
    }

    private static OptionalLong count(Map<String, String> row, String field, List<String> remarks) {
        String v = value(field, row.get(field), remarks);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return OptionalLong.of(n);
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        remarks.add(field + " reads '" + v + "'");
        return OptionalLong.empty();
    }

    private static Optional<Boolean> flag(String field, String raw, List<String> remarks) {
        String v = value(field, raw, remarks);
        if (v == null) {
            return Optional.empty();
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1", "pending" -> Optional.of(true);
            case "no", "false", "0" -> Optional.of(false);
            default -> {
                remarks.add(field + " reads '" + v + "'");
                yield Optional.empty();
            }
        };
    }

    private static OptionalLong bitmask(Map<String, String> row, String field, List<String> remarks) {
        String v = value(field, row.get(field), remarks);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            if (v.startsWith("0x") || v.startsWith("0X")) {
                return OptionalLong.of(Long.parseUnsignedLong(v.substring(2), 16));
            }
            return OptionalLong.of(Long.parseUnsignedLong(v));
        } catch (NumberFormatException e) {
            remarks.add(field + " reads '" + v + "'");
            return OptionalLong.empty();
        }
    }

    private static Optional<String> rejectedField(String output) {
        Matcher m = INVALID_FIELD.matcher(output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
