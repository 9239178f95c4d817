package dev.rota.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.rota.agent.gpu.Gpu;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The policy as a table: what a node saw, and what drains it or is only reported. */
class HealthPolicyTest {

    private static final HealthPolicy DEFAULTS = HealthPolicy.defaults();
    private static final int GPUS = 4;

    /** Four registered H100s, GPU N at PCI 00000000:1(8+N):00.0. */
    static final List<Gpu> REGISTERED = IntStream.range(0, GPUS)
            .mapToObj(i -> new Gpu(i, FakeNvidiaSmi.uuid(i), "NVIDIA H100 80GB HBM3", 80L << 30, FakeNvidiaSmi.bus(i)))
            .toList();

    static GpuSample healthy(int i) {
        return new GpuSample(i, FakeNvidiaSmi.uuid(i), FakeNvidiaSmi.bus(i), OptionalDouble.of(55),
                OptionalDouble.of(400), OptionalLong.of(0), Optional.empty(), Optional.of(false), Optional.of(false),
                OptionalLong.of(ThrottleReason.SW_POWER_CAP.bit()), List.of());
    }

    /** The four GPUs read healthy except where {@code change} rewrites one. */
    static Reading<GpuReadout> read(int gpu, UnaryOperator<GpuSample> change) {
        List<GpuSample> gpus = new ArrayList<>();
        for (int i = 0; i < GPUS; i++) {
            gpus.add(i == gpu ? change.apply(healthy(i)) : healthy(i));
        }
        return Reading.of(new GpuReadout(gpus, List.of(), List.of()));
    }

    static Reading<GpuReadout> allHealthy() {
        return read(-1, s -> s);
    }

    static Reading<GpuReadout> without(int gpu) {
        List<GpuSample> gpus = new ArrayList<>();
        for (int i = 0; i < GPUS; i++) {
            if (i != gpu) {
                gpus.add(healthy(i));
            }
        }
        return Reading.of(new GpuReadout(gpus, List.of(), List.of()));
    }

    static Observation seen(Reading<GpuReadout> gpus, String kernelLog) {
        return new Observation(REGISTERED, Optional.of(gpus), gpus instanceof Reading.Value ? 0 : 1,
                Optional.of(Reading.of(XidEvent.parse(kernelLog))), Optional.empty());
    }

    static Observation seen(Reading<GpuReadout> gpus) {
        return seen(gpus, "");
    }

    static String xid(int gpu, int xid, String message) {
        return "[ 1234.567890] NVRM: Xid (PCI:" + FakeNvidiaSmi.xidAddress(gpu) + "): " + xid + ", pid=4242, name=python, "
                + message + "\n";
    }

    static GpuSample with(GpuSample s, OptionalDouble temperature, OptionalLong ecc, Optional<Boolean> remapPending,
            Optional<Boolean> remapFailed, OptionalLong throttle, List<String> remarks) {
        return new GpuSample(s.index(), s.uuid(), s.pciBusId(), temperature, s.powerW(), ecc, s.retiredPagesPending(),
                remapPending, remapFailed, throttle, remarks);
    }

    static Stream<Arguments> table() {
        HealthCheckProgram.Result failedCheck = new HealthCheckProgram.Result.Failed(1, "disk /scratch is full");
        return Stream.of(
                arguments("a quiet node is healthy", DEFAULTS, seen(allHealthy()),
                        List.of(), List.of()),
                arguments("XID 79 is fatal, with the GPU and the XID's name", DEFAULTS,
                        seen(allHealthy(), xid(3, 79, "GPU has fallen off the bus.")),
                        List.of("gpu 3: XID 79 (GPU has fallen off the bus)"), List.of()),
                arguments("XID 13 is only a warning", DEFAULTS,
                        seen(allHealthy(), xid(1, 13, "Graphics SM Warp Exception")),
                        List.of(), List.of("gpu 1: XID 13 (Graphics Engine Exception)")),
                arguments("XID 13 drains when the policy says so", DEFAULTS.withFatalXids(Set.of(13)),
                        seen(allHealthy(), xid(1, 13, "Graphics SM Warp Exception")),
                        List.of("gpu 1: XID 13 (Graphics Engine Exception)"), List.of()),
                arguments("XID 92 (corrected errors, a trend) is a warning", DEFAULTS,
                        seen(allHealthy(), xid(0, 92, "High single-bit ECC error rate")),
                        List.of(), List.of("gpu 0: XID 92 (high single-bit ECC error rate)")),
                arguments("an XID repeated in the log counts once", DEFAULTS,
                        seen(allHealthy(), xid(2, 48, "DBE") + xid(2, 48, "DBE")),
                        List.of("gpu 2: XID 48 (double bit ECC error)"), List.of()),
                arguments("an XID of a device the agent never registered", DEFAULTS,
                        seen(allHealthy(), "NVRM: Xid (PCI:0000:99:00): 79, GPU has fallen off the bus.\n"),
                        List.of("gpu at PCI:0000:99:00: XID 79 (GPU has fallen off the bus)"), List.of()),
                arguments("[N/A] and [Not Supported] fields are unknown, not faults", DEFAULTS,
                        seen(read(2, s -> GpuSample.listed(2, s.uuid(), s.pciBusId()))),
                        List.of(), List.of()),
                arguments("a GPU fewer than registered is missing", DEFAULTS, seen(without(2)),
                        List.of("gpu 2: missing (not listed by nvidia-smi)"), List.of()),
                arguments("a GPU whose UUID changed is missing; the newcomer is not scheduled", DEFAULTS,
                        seen(read(1, s -> new GpuSample(1, "GPU-other", s.pciBusId(), s.temperatureC(), s.powerW(),
                                s.eccUncorrected(), s.retiredPagesPending(), s.remappedRowsPending(),
                                s.remappedRowsFailed(), s.throttleReasons(), List.of()))),
                        List.of("gpu 1: missing (not listed by nvidia-smi)"),
                        List.of("gpu 1: not registered (appeared after the agent started): not scheduled")),
                arguments("a GPU nvidia-smi names as lost is missing, in nvidia-smi's words", DEFAULTS,
                        seen(Reading.of(new GpuReadout(List.of(healthy(0), healthy(1), healthy(2)),
                                List.of(new GpuReadout.LostGpu("0000:1B:00.0", "GPU is lost")), List.of()))),
                        List.of("gpu 3: missing (GPU is lost)"), List.of()),
                arguments("no devices at all: every GPU is missing", DEFAULTS,
                        seen(Reading.of(new GpuReadout(List.of(), List.of(), List.of()))),
                        List.of("gpu 0: missing (not listed by nvidia-smi)", "gpu 1: missing (not listed by nvidia-smi)",
                                "gpu 2: missing (not listed by nvidia-smi)", "gpu 3: missing (not listed by nvidia-smi)"),
                        List.of()),
                arguments("uncorrectable ECC errors drain, whatever their count", DEFAULTS,
                        seen(read(2, s -> with(s, s.temperatureC(), OptionalLong.of(7), s.remappedRowsPending(),
                                s.remappedRowsFailed(), s.throttleReasons(), List.of()))),
                        List.of("gpu 2: uncorrectable ECC errors"), List.of()),
                arguments("a pending row remap drains so the GPU can be reset", DEFAULTS,
                        seen(read(0, s -> with(s, s.temperatureC(), s.eccUncorrected(), Optional.of(true),
                                Optional.of(false), s.throttleReasons(), List.of()))),
                        List.of("gpu 0: row remapping pending (needs a GPU reset)"), List.of()),
                arguments("a pending row remap only warns when the policy says so",
                        new HealthPolicy(HealthPolicy.DEFAULT_FATAL_XIDS, 85, ThrottleReason.TROUBLE, false, 3),
                        seen(read(0, s -> with(s, s.temperatureC(), s.eccUncorrected(), Optional.of(true),
                                Optional.of(false), s.throttleReasons(), List.of()))),
                        List.of(), List.of("gpu 0: row remapping pending (needs a GPU reset)")),
                arguments("a failed row remap drains", DEFAULTS,
                        seen(read(3, s -> with(s, s.temperatureC(), s.eccUncorrected(), Optional.of(false),
                                Optional.of(true), s.throttleReasons(), List.of()))),
                        List.of("gpu 3: row remapping failed"), List.of()),
                arguments("a hot GPU is reported, never drained", DEFAULTS,
                        seen(read(0, s -> with(s, OptionalDouble.of(91.5), s.eccUncorrected(), s.remappedRowsPending(),
                                s.remappedRowsFailed(), s.throttleReasons(), List.of()))),
                        List.of(), List.of("gpu 0: temperature over 85 C")),
                arguments("thermal slowdown is reported; idling and power capping are normal", DEFAULTS,
                        seen(read(1, s -> with(s, s.temperatureC(), s.eccUncorrected(), s.remappedRowsPending(),
                                s.remappedRowsFailed(), OptionalLong.of(0x45), List.of()))),
                        List.of(), List.of("gpu 1: clocks throttled (hardware thermal slowdown)")),
                arguments("a driver remark is reported", DEFAULTS,
                        seen(read(2, s -> with(s, OptionalDouble.empty(), s.eccUncorrected(), s.remappedRowsPending(),
                                s.remappedRowsFailed(), s.throttleReasons(),
                                List.of("temperature.gpu reads [Unknown Error]")))),
                        List.of(), List.of("gpu 2: temperature.gpu reads [Unknown Error]")),
                arguments("a driver note (field it does not know) is reported", DEFAULTS,
                        seen(Reading.of(new GpuReadout(NvidiaSmiHealthTest.value(allHealthy()).gpus(),
                                List.of(), List.of("nvidia-smi does not know power.draw: not watched")))),
                        List.of(), List.of("nvidia-smi does not know power.draw: not watched")),
                arguments("nvidia-smi timing out once is a warning", DEFAULTS,
                        seen(Reading.unavailable("nvidia-smi did not answer within 15 s")),
                        List.of(), List.of("GPU health unknown: nvidia-smi did not answer within 15 s")),
                arguments("nvidia-smi failing three polls in a row drains", DEFAULTS,
                        new Observation(REGISTERED, Optional.of(Reading.unavailable("nvidia-smi exited with 9: failed")),
                                3, Optional.empty(), Optional.empty()),
                        List.of("nvidia-smi failing for 3 polls: nvidia-smi exited with 9: failed"), List.of()),
                arguments("an unreadable kernel log is a warning", DEFAULTS,
                        new Observation(REGISTERED, Optional.of(allHealthy()), 0,
                                Optional.of(Reading.unavailable("dmesg exited with 1: Operation not permitted")),
                                Optional.empty()),
                        List.of(), List.of("kernel log unreadable (dmesg exited with 1: Operation not permitted): "
                                + "XIDs not watched")),
                arguments("a failed health check drains with its first line", DEFAULTS,
                        seen(allHealthy()).withCheck(Optional.of(failedCheck)),
                        List.of("disk /scratch is full"), List.of()),
                arguments("a silent failed health check drains with its exit status", DEFAULTS,
                        seen(allHealthy()).withCheck(Optional.of(new HealthCheckProgram.Result.Failed(3, ""))),
                        List.of("health check program exited with 3"), List.of()),
                arguments("a health check that timed out drains", DEFAULTS,
                        seen(allHealthy()).withCheck(Optional.of(
                                new HealthCheckProgram.Result.TimedOut(Duration.ofSeconds(30)))),
                        List.of("health check timed out after 30 s"), List.of()),
                arguments("faults come GPU by GPU, an XID first, then the node's own", DEFAULTS,
                        seen(without(3), xid(3, 79, "GPU has fallen off the bus.") + xid(1, 94, "Contained"))
                                .withCheck(Optional.of(failedCheck)),
                        List.of("gpu 1: XID 94 (contained ECC error)", "gpu 3: XID 79 (GPU has fallen off the bus)",
                                "gpu 3: missing (not listed by nvidia-smi)", "disk /scratch is full"),
                        List.of()),
                arguments("fake GPUs and no check: nothing watched, healthy", DEFAULTS,
                        Observation.nothing(REGISTERED), List.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void judges(String name, HealthPolicy policy, Observation seen, List<String> faults, List<String> warnings) {
        HealthReport report = policy.assess(seen);

        assertThat(report.faults()).as("faults").containsExactlyElementsOf(faults);
        assertThat(report.warnings()).as("warnings").containsExactlyElementsOf(warnings);
        assertThat(report.healthy()).isEqualTo(faults.isEmpty());
        assertThat(report.drainReason()).isEqualTo(faults.isEmpty() ? "" : faults.getFirst());
    }

    @Test
    void gpuStatesFollowTheVerdict() {
        Observation seen = seen(without(3), xid(1, 79, "GPU has fallen off the bus.") + xid(2, 13, "Warp"));

        HealthReport report = DEFAULTS.assess(seen);

        assertThat(report.gpus()).extracting(GpuStatus::index, GpuStatus::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, GpuStatus.State.OK),
                org.assertj.core.groups.Tuple.tuple(1, GpuStatus.State.FAILED),
                org.assertj.core.groups.Tuple.tuple(2, GpuStatus.State.WARNING),
                org.assertj.core.groups.Tuple.tuple(3, GpuStatus.State.MISSING));
        assertThat(report.gpus().get(1).xids()).containsExactly(79);
        assertThat(report.gpus().get(1).conditions()).containsExactly("XID 79 (GPU has fallen off the bus)");
        assertThat(report.gpus().get(3).sample()).isEmpty();
    }

    @Test
    void unreadGpusAreUnknown() {
        HealthReport report = DEFAULTS.assess(seen(Reading.unavailable("nvidia-smi did not answer within 15 s")));

        assertThat(report.gpus()).extracting(GpuStatus::state).containsOnly(GpuStatus.State.UNKNOWN);
    }

    @Test
    void readingsChangeTheReportButNotTheVerdict() {
        HealthReport cool = DEFAULTS.assess(seen(allHealthy()));
        HealthReport warmer = DEFAULTS.assess(seen(read(0, s -> with(s, OptionalDouble.of(70), s.eccUncorrected(),
                s.remappedRowsPending(), s.remappedRowsFailed(), s.throttleReasons(), List.of()))));
        HealthReport hot = DEFAULTS.assess(seen(read(0, s -> with(s, OptionalDouble.of(90), s.eccUncorrected(),
                s.remappedRowsPending(), s.remappedRowsFailed(), s.throttleReasons(), List.of()))));

        assertThat(warmer).isNotEqualTo(cool);
        assertThat(warmer.sameVerdict(cool)).isTrue();
        assertThat(hot.sameVerdict(cool)).isFalse();
    }

    @Test
    void theProtocolCarriesVerdictAndReadings() {
        var proto = DEFAULTS.assess(seen(allHealthy(), xid(3, 79, "GPU has fallen off the bus."))).toProto();

        assertThat(proto.getHealthy()).isFalse();
        assertThat(proto.getDrainReason()).isEqualTo("gpu 3: XID 79 (GPU has fallen off the bus)");
        assertThat(proto.getFaultsList()).containsExactly("gpu 3: XID 79 (GPU has fallen off the bus)");
        assertThat(proto.getGpusList()).hasSize(4);
        var gpu3 = proto.getGpus(3);
        assertThat(gpu3.getState()).isEqualTo(dev.rota.agent.v1.GpuState.GPU_STATE_FAILED);
        assertThat(gpu3.getXidsList()).containsExactly(79);
        assertThat(gpu3.getTemperatureC()).isEqualTo(55);
        assertThat(gpu3.hasRetiredPagesPending()).as("unknown stays unset").isFalse();
        assertThat(gpu3.getThrottleReasons()).isEqualTo(ThrottleReason.SW_POWER_CAP.bit());
    }
}
