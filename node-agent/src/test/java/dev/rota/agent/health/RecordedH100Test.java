package dev.rota.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.gpu.Gpu;
import dev.rota.agent.gpu.NvidiaSmiInventory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's real discovery and health code, run against {@code nvidia-smi} and kernel-log output
 * recorded on a real H100 host (see {@code src/test/resources/recorded/README.md}). The recordings
 * are replayed by a script that answers only the exact calls that were recorded, so these tests
 * also prove the agent asks nvidia-smi exactly what the recording tool asked.
 */
class RecordedH100Test {

    private static final long MIB = 1L << 20;
    private static final String UUID = "GPU-b0884242-8b71-0242-35d9-30e3baa23eb6";
    private static final String BUS = "00000000:00:06.0";

    @TempDir
    Path tmp;

    @Test
    void discoversTheOneH100OfTheRecordedHost() throws IOException {
        List<Gpu> gpus = new NvidiaSmiInventory(replay("idle"), Duration.ofSeconds(10)).discover();

        // NUMA node 0, from the recorded `nvidia-smi topo -m`.
        assertThat(gpus).containsExactly(new Gpu(0, UUID, "NVIDIA H100 80GB HBM3", 81559 * MIB, BUS, 0));
    }

    @Test
    void idleGpuReadsAsHealthyWithEveryWatchedField() throws IOException {
        GpuSample gpu = onlyGpu(new NvidiaSmiHealth(replay("idle"), Duration.ofSeconds(10)).read());

        assertThat(gpu.uuid()).isEqualTo(UUID);
        assertThat(gpu.pciBusId()).isEqualTo(BUS);
        assertThat(gpu.temperatureC()).hasValue(35);
        assertThat(gpu.powerW()).hasValue(100.21);
        assertThat(gpu.eccUncorrected()).hasValue(0);
        // Hopper remaps rows instead of retiring pages: the retired-pages field reads [N/A].
        assertThat(gpu.retiredPagesPending()).isEmpty();
        // The real remapped-rows query answers "No", not "0".
        assertThat(gpu.remappedRowsPending()).contains(false);
        assertThat(gpu.remappedRowsFailed()).contains(false);
        assertThat(gpu.throttleReasons()).hasValue(ThrottleReason.GPU_IDLE.bit());
        assertThat(gpu.utilizationPercent()).hasValue(0);
        assertThat(gpu.memoryUsedBytes()).hasValue(0);
        assertThat(gpu.remarks()).isEmpty();
    }

    @Test
    void busyGpuUnderItsPowerCapIsNotAWarning() throws IOException {
        Path smi = replay("busy");
        Reading<GpuReadout> reading = new NvidiaSmiHealth(smi, Duration.ofSeconds(10)).read();
        GpuSample gpu = onlyGpu(reading);

        assertThat(gpu.powerW()).hasValue(694.82);
        assertThat(gpu.temperatureC()).hasValue(56);
        assertThat(gpu.throttleReasons()).hasValue(ThrottleReason.SW_POWER_CAP.bit());
        assertThat(gpu.utilizationPercent()).hasValue(100);
        assertThat(gpu.memoryUsedBytes()).hasValue(1011 * MIB);

        List<Gpu> registered = new NvidiaSmiInventory(smi, Duration.ofSeconds(10)).discover();
        HealthReport report = HealthPolicy.defaults().assess(new Observation(registered, Optional.of(reading), 0,
                Optional.of(Reading.of(XidEvent.parse(kernelLog(smi)))),
                Optional.empty()));
        assertThat(report.faults()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        assertThat(report.healthy()).isTrue();
    }

    @Test
    void nvrmLinesThatAreNotXidsAreNotMistakenForXids() throws IOException {
        Path smi = replay("idle");
        String text = kernelLog(smi);

        assertThat(text).contains("NVRM: gpuClearFbhubPoisonIntrForBug2924523_GA100");
        assertThat(XidEvent.parse(text)).isEmpty();
    }

    /** Installs the replaying nvidia-smi and dmesg for recording {@code state}; returns nvidia-smi's path. */
    private Path replay(String state) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve(state + "-bin"));
        Path recordings = Files.createDirectories(tmp.resolve(state));
        for (String name : List.of("inventory.csv", "health.csv", "usage.csv", "remapped-rows.csv",
                "dmesg-nvrm.txt", "topo.txt")) {
            copy("/recorded/h100-sxm-80gb/" + state + "/" + name, recordings.resolve(name));
        }
        Path replay = bin.resolve("replay-nvidia-smi");
        copy("/recorded/replay-nvidia-smi", replay);
        executable(replay);
        // The agent passes its own environment to the programs it runs; these wrappers pin the
        // recording folder and the role (nvidia-smi or dmesg) for this test alone.
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/usr/bin/env bash\nREPLAY_DIR='" + recordings + "' exec '" + replay + "' \"$@\"\n");
        Path dmesg = bin.resolve("dmesg");
        Files.writeString(dmesg, "#!/usr/bin/env bash\nREPLAY_AS=dmesg REPLAY_DIR='" + recordings + "' exec '" + replay
                + "' \"$@\"\n");
        executable(smi);
        executable(dmesg);
        return smi;
    }

    /** The kernel log as the agent reads it: dmesg from the replay folder's PATH. */
    private static String kernelLog(Path smi) {
        Reading<String> log = DmesgKernelLog.onPath(smi.getParent().toString()).read();
        assertThat(log).isInstanceOf(Reading.Value.class);
        return ((Reading.Value<String>) log).value();
    }

    private static void executable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = RecordedH100Test.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static GpuSample onlyGpu(Reading<GpuReadout> reading) {
        assertThat(reading).isInstanceOf(Reading.Value.class);
        GpuReadout readout = ((Reading.Value<GpuReadout>) reading).value();
        assertThat(readout.lost()).isEmpty();
        assertThat(readout.notes()).isEmpty();
        assertThat(readout.gpus()).hasSize(1);
        return readout.gpus().getFirst();
    }
}
