package dev.rota.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaSmiInventoryTest {

    private static final long MIB = 1L << 20;

    @TempDir
    Path tmp;

    static String fixture(String name) throws IOException {
        try (InputStream in = NvidiaSmiInventoryTest.class.getResourceAsStream("/nvidia-smi/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesEightH100s() throws IOException {
        List<Gpu> gpus = NvidiaSmiInventory.parse(fixture("h100-8x.csv"));

        assertThat(gpus).hasSize(8);
        assertThat(gpus).extracting(Gpu::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(gpus).allSatisfy(g -> {
            assertThat(g.model()).isEqualTo("NVIDIA H100 80GB HBM3");
            assertThat(g.memoryBytes()).isEqualTo(81559 * MIB);
            assertThat(g.uuid()).startsWith("GPU-").hasSize(40);
        });
        assertThat(gpus.get(0).uuid()).isEqualTo("GPU-2b1f8c3e-6a4d-9e0f-7c21-5d3b8a1e4f60");
        assertThat(gpus.get(7).pciBusId()).isEqualTo("00000000:DB:00.0");
    }

    @Test
    void parsesA100s() throws IOException {
        List<Gpu> gpus = NvidiaSmiInventory.parse(fixture("a100-4x.csv"));

        assertThat(gpus).containsExactly(
                new Gpu(0, "GPU-5a8d1f3c-0e7b-4c92-86d1-2f9a7c4e0b35", "NVIDIA A100-SXM4-40GB", 40960 * MIB, "00000000:07:00.0"),
                new Gpu(1, "GPU-d2e6a9b0-5f3c-1e84-9a7d-6c0b3f8e2d41", "NVIDIA A100-SXM4-40GB", 40960 * MIB, "00000000:0F:00.0"),
                new Gpu(2, "GPU-61c0f4e8-2b9d-7a35-c4e2-8d1f5a0b9c76", "NVIDIA A100-SXM4-40GB", 40960 * MIB, "00000000:47:00.0"),
                new Gpu(3, "GPU-a9f27d5b-6e1c-3b08-f7a4-0e3d6c9b1a58", "NVIDIA A100-SXM4-40GB", 40960 * MIB, "00000000:4E:00.0"));
    }

    @Test
    void degradedOutputKeepsWhatIsKnownAndSkipsNoise() throws IOException {
        List<Gpu> gpus = NvidiaSmiInventory.parse(fixture("degraded.csv"));

        assertThat(gpus).containsExactly(
                new Gpu(0, "GPU-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "NVIDIA A100-SXM4-80GB", 81920 * MIB, "00000000:07:00.0"),
                new Gpu(1, "", "NVIDIA A100-SXM4-80GB", 0, "00000000:0F:00.0"),
                new Gpu(2, "GPU-1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809", "", 0, ""));
    }

    @Test
    void emptyOutputMeansNoGpus() {
        assertThat(NvidiaSmiInventory.parse("")).isEmpty();
        assertThat(NvidiaSmiInventory.parse("\n  \n")).isEmpty();
    }

    @Test
    void detectRunsAFakeNvidiaSmiFoundOnPath() throws IOException {
        Path fixture = tmp.resolve("h100.csv");
        Files.writeString(fixture, fixture("h100-8x.csv"));
        Path args = tmp.resolve("args.txt");
        script("nvidia-smi", "echo \"$@\" >> '" + args + "'\ncat '" + fixture + "'\n");

        GpuInventory inventory = GpuInventories.detect("node-1", OptionalInt.empty(), null, "/nonexistent:" + tmp);

        assertThat(inventory).isInstanceOf(NvidiaSmiInventory.class);
        List<Gpu> gpus = inventory.discover();
        assertThat(gpus).hasSize(8).first().extracting(Gpu::model).isEqualTo("NVIDIA H100 80GB HBM3");
        // The inventory query, then the topology matrix for NUMA nodes (unreadable here: left unknown).
        assertThat(Files.readAllLines(args)).startsWith(String.join(" ", NvidiaSmiInventory.QUERY))
                .containsOnly(String.join(" ", NvidiaSmiInventory.QUERY), "topo -m").contains("topo -m");
        assertThat(gpus).allSatisfy(g -> assertThat(g.numaNode()).isEqualTo(-1));
    }

    @Test
    void detectFallsBackToFakesWhenNvidiaSmiFails() throws IOException {
        script("nvidia-smi", "echo 'NVIDIA-SMI has failed because it couldn'\\''t communicate with the NVIDIA driver.'\nexit 9\n");

        GpuInventory inventory = GpuInventories.detect("node-1", OptionalInt.empty(), "Fake-A100", tmp.toString());

        assertThat(inventory).isEqualTo(new FakeGpuInventory("node-1", 8, "Fake-A100"));
        assertThatThrownBy(() -> new NvidiaSmiInventory(tmp.resolve("nvidia-smi"), Duration.ofSeconds(5)).discover())
                .isInstanceOf(GpuDiscoveryException.class)
                .hasMessageContaining("exited with 9")
                .hasMessageContaining("couldn't communicate");
    }

    @Test
    void detectWithoutNvidiaSmiGivesEightFakeH100s() {
        GpuInventory inventory = GpuInventories.detect("node-1", OptionalInt.empty(), null, tmp.toString());

        assertThat(inventory).isEqualTo(new FakeGpuInventory("node-1", 8, "Fake-H100"));
    }

    @Test
    void aGivenFakeCountWinsOverNvidiaSmi() throws IOException {
        script("nvidia-smi", "cat <<'X'\n0, GPU-a, NVIDIA H100 80GB HBM3, 81559, 00000000:18:00.0\nX\n");

        GpuInventory inventory = GpuInventories.detect("n7", OptionalInt.of(2), "Fake-B200", tmp.toString());

        assertThat(inventory.discover()).containsExactly(
                new Gpu(0, "GPU-fake-n7-0", "Fake-B200", 80L << 30, "00000000:10:00.0"),
                new Gpu(1, "GPU-fake-n7-1", "Fake-B200", 80L << 30, "00000000:11:00.0"));
    }

    @Test
    void aHungNvidiaSmiTimesOut() throws IOException {
        Path smi = script("nvidia-smi", "exec sleep 30\n");

        long start = System.nanoTime();
        assertThatThrownBy(() -> new NvidiaSmiInventory(smi, Duration.ofMillis(300)).discover())
                .isInstanceOf(GpuDiscoveryException.class)
                .hasMessageContaining("did not answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    private Path script(String name, String body) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
