package dev.rota.agent.health;

import dev.rota.agent.gpu.Gpu;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which conditions drain a node (faults) and which are only reported (warnings). {@link #assess} is a
 * pure function of the policy and one {@link Observation}; it never throws for anything the sources
 * said.
 *
 * <p>Faults, per GPU in index order, then for the node:
 * <ul>
 *   <li>an XID in {@link #fatalXids} in the kernel log: {@code gpu 3: XID 79 (GPU has fallen off the bus)};</li>
 *   <li>a registered GPU that nvidia-smi no longer lists (UUID gone, or fewer GPUs):
 *       {@code gpu 3: missing (not listed by nvidia-smi)};</li>
 *   <li>uncorrectable ECC errors since the driver loaded; a failed row remapping;</li>
 *   <li>with {@link #drainOnPendingRepair}: remapped rows or retired pages waiting for a GPU reset
 *       (NVML: "a reset will be required to actually remap the row"), so the node drains and can be
 *       reset once its jobs end;</li>
 *   <li>nvidia-smi failing {@link #failedReadsToDrain} polls in a row (a hung or missing driver);</li>
 *   <li>the admin's health check program failing ({@link HealthCheckProgram.Result#fault()}).</li>
 * </ul>
 * Warnings: temperature over {@link #maxTemperatureC}; clock event reasons in
 * {@link #throttleWarningMask}; XIDs not in {@link #fatalXids}; driver remarks such as
 * {@code [Unknown Error]}; GPUs that appeared after start; a kernel log or nvidia-smi that cannot be
 * read (until it becomes a fault).
 *
 * @param fatalXids            XIDs that drain the node
 * @param maxTemperatureC      above this core temperature, in degrees Celsius, a GPU is reported hot
 * @param throttleWarningMask  clock event reasons ({@link ThrottleReason}) that are reported
 * @param drainOnPendingRepair whether a pending row remap or page retirement drains
 * @param failedReadsToDrain   after this many failed nvidia-smi polls in a row the node drains
 */
public record HealthPolicy(Set<Integer> fatalXids, double maxTemperatureC, long throttleWarningMask,
        boolean drainOnPendingRepair, int failedReadsToDrain) {

    /**
     * XIDs that drain by default. NVIDIA's Xid catalog
     * (https://docs.nvidia.com/deploy/xid-errors/analyzing-xid-catalog.html) and memory error
     * guides (https://docs.nvidia.com/deploy/a100-gpu-mem-error-mgmt/,
     * https://docs.nvidia.com/deploy/dynamic-page-retirement/) describe them as needing a GPU reset,
     * a reboot or service, not an application restart:
     * 48 double bit ECC error; 62 internal micro-controller halt; 63 page retirement or row remap
     * recorded (takes effect only after a reset); 64 page retirement or row remap failed; 74 NVLink
     * error; 79 GPU has fallen off the bus; 94 contained ECC error (row remap pending); 95
     * uncontained ECC error. Not here: 13, 31, 43, 45 (mostly application faults) and 92 (high
     * single-bit ECC error rate: corrected errors, a trend to watch), which are warnings.
     */
    public static final Set<Integer> DEFAULT_FATAL_XIDS = Set.of(48, 62, 63, 64, 74, 79, 94, 95);
    public static final double DEFAULT_MAX_TEMPERATURE_C = 85;
    public static final int DEFAULT_FAILED_READS_TO_DRAIN = 3;

    public HealthPolicy {
        fatalXids = Set.copyOf(fatalXids);
        if (!(maxTemperatureC > 0)) {
            throw new IllegalArgumentException("maxTemperatureC must be positive, was " + maxTemperatureC);
        }
        if (failedReadsToDrain < 1) {
            throw new IllegalArgumentException("failedReadsToDrain must be >= 1, was " + failedReadsToDrain);
        }
    }

    /** The defaults above: fatal XIDs, 85 C, the hardware and thermal slowdowns, repairs drain, 3 failed reads. */
    public static HealthPolicy defaults() {
        return new HealthPolicy(DEFAULT_FATAL_XIDS, DEFAULT_MAX_TEMPERATURE_C, ThrottleReason.TROUBLE, true,
                DEFAULT_FAILED_READS_TO_DRAIN);
    }

    public HealthPolicy withFatalXids(Set<Integer> xids) {
        return new HealthPolicy(xids, maxTemperatureC, throttleWarningMask, drainOnPendingRepair, failedReadsToDrain);
    }

    public HealthPolicy withMaxTemperatureC(double celsius) {
        return new HealthPolicy(fatalXids, celsius, throttleWarningMask, drainOnPendingRepair, failedReadsToDrain);
    }

    /** Judges one observation. Pure. */
    public HealthReport assess(Observation o) {
        Map<Integer, Verdict> registered = new TreeMap<>();
        Map<PciAddress, Verdict> byAddress = new HashMap<>();
        for (Gpu g : o.registered()) {
            Optional<PciAddress> address = PciAddress.parse(g.pciBusId());
            Verdict v = new Verdict(g.index(), g.uuid(), address);
            registered.put(g.index(), v);
            address.ifPresent(a -> byAddress.put(a, v));
        }
        Map<Integer, Verdict> unregistered = new TreeMap<>();
        List<String> nodeFaults = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        // XIDs first: where a GPU has one, it is the most precise reason there is.
        o.xids().ifPresent(reading -> {
            switch (reading) {
                case Reading.Value<List<XidEvent>> v -> xids(v.value(), byAddress, nodeFaults, warnings);
                case Reading.Unavailable<List<XidEvent>> u ->
                        warnings.add("kernel log unreadable (" + u.why() + "): XIDs not watched");
            }
        });
        o.gpus().ifPresent(reading -> {
            switch (reading) {
                case Reading.Value<GpuReadout> v -> readout(v.value(), registered, unregistered, warnings);
                case Reading.Unavailable<GpuReadout> u -> {
                    registered.values().forEach(g -> g.unread = true);
                    if (o.failedGpuReads() >= failedReadsToDrain) {
                        nodeFaults.add("nvidia-smi failing for " + failedReadsToDrain + " polls: " + u.why());
                    } else {
                        warnings.add("GPU health unknown: " + u.why());
                    }
                }
            }
        });
        o.check().flatMap(HealthCheckProgram.Result::fault).ifPresent(nodeFaults::add);

        List<String> faults = new ArrayList<>();
        List<String> gpuWarnings = new ArrayList<>();
        List<GpuStatus> gpus = new ArrayList<>();
        for (Map<Integer, Verdict> group : List.of(registered, unregistered)) {
            for (Verdict v : group.values()) {
                v.faults.forEach(f -> faults.add("gpu " + v.index + ": " + f));
                v.warnings.forEach(w -> gpuWarnings.add("gpu " + v.index + ": " + w));
                gpus.add(v.status());
            }
        }
        faults.addAll(nodeFaults);
        gpuWarnings.addAll(warnings);
        return new HealthReport(faults, gpuWarnings, gpus);
    }

    private void xids(List<XidEvent> events, Map<PciAddress, Verdict> byAddress, List<String> nodeFaults,
            List<String> warnings) {
        Set<String> seen = new LinkedHashSet<>();
        for (XidEvent e : events) {
            Optional<PciAddress> address = PciAddress.parse(e.pciAddress());
            String key = address.map(PciAddress::toString).orElse(e.pciAddress()) + "/" + e.xid();
            if (!seen.add(key)) {
                continue;
            }
            boolean fatal = fatalXids.contains(e.xid());
            Verdict gpu = address.map(byAddress::get).orElse(null);
            if (gpu != null) {
                gpu.xids.add(e.xid());
                (fatal ? gpu.faults : gpu.warnings).add(e.describe());
            } else {
                String text = "gpu at PCI:" + address.map(PciAddress::toString).orElse(e.pciAddress()) + ": "
                        + e.describe();
                (fatal ? nodeFaults : warnings).add(text);
            }
        }
    }

    private void readout(GpuReadout readout, Map<Integer, Verdict> registered, Map<Integer, Verdict> unregistered,
            List<String> warnings) {
        Map<String, GpuSample> byUuid = new HashMap<>();
        Map<Integer, GpuSample> byIndex = new HashMap<>();
        for (GpuSample s : readout.gpus()) {
            if (!s.uuid().isEmpty()) {
                byUuid.put(s.uuid(), s);
            }
            byIndex.put(s.index(), s);
        }
        Map<PciAddress, GpuReadout.LostGpu> lost = new HashMap<>();
        for (GpuReadout.LostGpu l : readout.lost()) {
            PciAddress.parse(l.pciBusId()).ifPresent(a -> lost.put(a, l));
        }
        Set<GpuSample> matched = new HashSet<>();
        for (Verdict v : registered.values()) {
            // The UUID names a GPU for sure; the index only where a UUID is not known.
            GpuSample s = v.uuid.isEmpty() ? null : byUuid.get(v.uuid);
            if (s == null && byIndex.containsKey(v.index)
                    && (v.uuid.isEmpty() || byIndex.get(v.index).uuid().isEmpty())) {
                s = byIndex.get(v.index);
            }
            if (s == null) {
                v.missing = true;
                GpuReadout.LostGpu why = v.address().map(lost::remove).orElse(null);
                v.faults.add("missing (" + (why != null ? why.why() : "not listed by nvidia-smi") + ")");
                continue;
            }
            matched.add(s);
            v.sample = s;
            sample(s, v);
        }
        for (GpuSample s : readout.gpus()) {
            if (!matched.contains(s)) {
                Verdict v = new Verdict(s.index(), s.uuid(), PciAddress.parse(s.pciBusId()));
                v.sample = s;
                v.warnings.add("not registered (appeared after the agent started): not scheduled");
                sample(s, v);
                unregistered.put(s.index(), v);
            }
        }
        for (GpuReadout.LostGpu l : readout.lost()) {
            if (PciAddress.parse(l.pciBusId()).map(lost::containsKey).orElse(true)) {
                warnings.add("nvidia-smi cannot reach the GPU at " + l.pciBusId() + ": " + l.why());
            }
        }
        warnings.addAll(readout.notes());
    }

    private void sample(GpuSample s, Verdict v) {
        if (s.eccUncorrected().orElse(0) > 0) {
            v.faults.add("uncorrectable ECC errors");
        }
        if (s.remappedRowsFailed().orElse(false)) {
            v.faults.add("row remapping failed");
        }
        if (s.remappedRowsPending().orElse(false)) {
            (drainOnPendingRepair ? v.faults : v.warnings).add("row remapping pending (needs a GPU reset)");
        }
        if (s.retiredPagesPending().orElse(false)) {
            (drainOnPendingRepair ? v.faults : v.warnings).add("page retirement pending (needs a GPU reset)");
        }
        if (s.temperatureC().isPresent() && s.temperatureC().getAsDouble() > maxTemperatureC) {
            v.warnings.add("temperature over " + celsius(maxTemperatureC));
        }
        long throttled = s.throttleReasons().orElse(0) & throttleWarningMask;
        if (throttled != 0) {
            v.warnings.add("clocks throttled (" + String.join(", ", ThrottleReason.describe(throttled)) + ")");
        }
        v.warnings.addAll(s.remarks());
    }

    private static String celsius(double c) {
        return c == Math.rint(c) ? (long) c + " C" : String.format(Locale.ROOT, "%.1f C", c);
    }

    /** One GPU's verdict while an assessment runs; confined to {@link #assess}. */
    private static final class Verdict {
        final int index;
        final String uuid;
        final Optional<PciAddress> registeredAddress;
        final List<String> faults = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final Set<Integer> xids = new LinkedHashSet<>();
        GpuSample sample;
        boolean missing;
        boolean unread;

        Verdict(int index, String uuid, Optional<PciAddress> registeredAddress) {
            this.index = index;
            this.uuid = Objects.requireNonNull(uuid);
            this.registeredAddress = registeredAddress;
        }

        Optional<PciAddress> address() {
            return sample != null ? PciAddress.parse(sample.pciBusId()) : registeredAddress;
        }

        GpuStatus status() {
            GpuStatus.State state;
            if (missing) {
                state = GpuStatus.State.MISSING;
            } else if (!faults.isEmpty()) {
                state = GpuStatus.State.FAILED;
            } else if (sample == null || unread) {
                state = GpuStatus.State.UNKNOWN;
            } else if (!warnings.isEmpty()) {
                state = GpuStatus.State.WARNING;
            } else {
                state = GpuStatus.State.OK;
            }
            List<String> conditions = new ArrayList<>(faults);
            conditions.addAll(warnings);
            return new GpuStatus(index, uuid, state, Optional.ofNullable(sample), List.copyOf(xids), conditions);
        }
    }
}
