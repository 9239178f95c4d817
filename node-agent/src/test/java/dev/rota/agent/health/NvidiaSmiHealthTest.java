package dev.rota.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaSmiHealthTest {

    @TempDir
    Path tmp;

    static String fixture(String path) throws IOException {
        try (InputStream in = NvidiaSmiHealthTest.class.getResourceAsStream("/" + path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static <T> T value(Reading<T> r) {
        if (r instanceof Reading.Value<T> v) {
            return v.value();
        }
        throw new AssertionError("expected a value, got " + r);
    }

    static <T> String why(Reading<T> r) {
        if (r instanceof Reading.Unavailable<T> u) {
            return u.why();
        }
        throw new AssertionError("expected no value, got " + r);
    }

    @Test
    void parsesEightHealthyH100s() throws IOException {
        GpuReadout r = NvidiaSmiHealth.parse(fixture("nvidia-smi/health-h100-8x.csv"), NvidiaSmiHealth.FIELDS);

        assertThat(r.gpus()).extracting(GpuSample::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(r.lost()).isEmpty();
        GpuSample first = r.gpus().getFirst();
        assertThat(first.uuid()).isEqualTo("GPU-2b1f8c3e-6a4d-9e0f-7c21-5d3b8a1e4f60");
        assertThat(first.pciBusId()).isEqualTo("00000000:18:00.0");
        assertThat(first.temperatureC()).isEqualTo(OptionalDouble.of(34));
        assertThat(first.powerW()).isEqualTo(OptionalDouble.of(71.32));
        assertThat(first.eccUncorrected()).isEqualTo(OptionalLong.of(0));
        assertThat(first.retiredPagesPending()).as("[N/A] is unknown").isEmpty();
        assertThat(first.throttleReasons()).isEqualTo(OptionalLong.of(ThrottleReason.GPU_IDLE.bit()));
        assertThat(r.gpus()).allSatisfy(g -> assertThat(g.remarks()).isEmpty());
    }

    @Test
    void keepsWhatADegradedA100NodeStillSays() throws IOException {
        GpuReadout r = NvidiaSmiHealth.parse(fixture("nvidia-smi/health-a100-faults.csv"), NvidiaSmiHealth.FIELDS);

        assertThat(r.gpus()).extracting(GpuSample::index).containsExactly(0, 1, 2);
        assertThat(r.gpus().get(0).powerW()).isEmpty();
        assertThat(r.gpus().get(0).remarks()).containsExactly("power.draw reads [Unknown Error]");
        assertThat(r.gpus().get(1).temperatureC()).isEqualTo(OptionalDouble.of(92));
        assertThat(r.gpus().get(1).throttleReasons()).isEqualTo(OptionalLong.of(0x48));
        assertThat(r.gpus().get(2).eccUncorrected()).isEqualTo(OptionalLong.of(2));
        assertThat(r.lost()).containsExactly(new GpuReadout.LostGpu("0000:4E:00.0",
                "GPU is lost.  Reboot the system to recover this GPU"));
    }

    @Test
    void parsesRemappedRowsByPciAddress() throws IOException {
        var remap = NvidiaSmiHealth.parseRemappedRows(fixture("nvidia-smi/remapped-rows-a100.csv"));

        assertThat(remap).hasSize(3);
        assertThat(remap.get(PciAddress.parse("0000:47:00").orElseThrow()))
                .isEqualTo(new NvidiaSmiHealth.RemapState(Optional.of(true), Optional.of(false)));
        assertThat(remap.get(PciAddress.parse("00000000:07:00.0").orElseThrow()).pending()).contains(false);
    }

    @Test
    void valuesWithUnitsAndOddWordsAreReadOrReported() {
        List<String> fields = NvidiaSmiHealth.FIELDS;
        GpuReadout r = NvidiaSmiHealth.parse(
                "0, GPU-a, 00000000:18:00.0, 45 C, 250.00 W, [Not Supported], Yes, 0x0000000000000040\n"
                        + "1, GPU-b, 00000000:19:00.0, hot, N/A, -3, maybe, 0xZZ\n"
                        + "two, GPU-c, 00000000:1A:00.0, 40, 100, 0, No, 0x0\n"
                        + "3, GPU-d, too, few, columns\n",
                fields);

        assertThat(r.gpus()).extracting(GpuSample::index).containsExactly(0, 1);
        GpuSample a = r.gpus().get(0);
        assertThat(a.temperatureC()).isEqualTo(OptionalDouble.of(45));
        assertThat(a.powerW()).isEqualTo(OptionalDouble.of(250));
        assertThat(a.eccUncorrected()).isEmpty();
        assertThat(a.retiredPagesPending()).contains(true);
        assertThat(a.remarks()).isEmpty();
        GpuSample b = r.gpus().get(1);
        assertThat(b.temperatureC()).isEmpty();
        assertThat(b.powerW()).isEmpty();
        assertThat(b.remarks()).containsExactly("temperature.gpu reads 'hot'",
                "ecc.errors.uncorrected.volatile.total reads '-3'", "retired_pages.pending reads 'maybe'",
                "clocks_throttle_reasons.active reads '0xZZ'");
    }

    @Test
    void readsAFakeNvidiaSmiWithRemappedRows() {
        FakeNvidiaSmi smi = FakeNvidiaSmi.install(tmp, 2);
        smi.write("remapped.csv", "gpu_bus_id, remapped_rows.pending, remapped_rows.failure\n"
                + FakeNvidiaSmi.bus(0) + ", 0, 0\n" + FakeNvidiaSmi.bus(1) + ", 1, 1\n");

        Reading<GpuReadout> r = new NvidiaSmiHealth(smi.nvidiaSmi(), Duration.ofSeconds(10)).read();

        GpuReadout readout = value(r);
        assertThat(readout.gpus()).hasSize(2);
        assertThat(readout.gpus().get(0).remappedRowsPending()).contains(false);
        assertThat(readout.gpus().get(1).remappedRowsPending()).contains(true);
        assertThat(readout.gpus().get(1).remappedRowsFailed()).contains(true);
        assertThat(readout.notes()).isEmpty();
        assertThat(smi.calls()).containsExactly(
                "--query-gpu=" + String.join(",", NvidiaSmiHealth.FIELDS) + " --format=csv,noheader,nounits",
                "--query-remapped-rows=" + NvidiaSmiHealth.REMAP_FIELDS + " --format=csv,noheader,nounits",
                "--query-gpu=" + NvidiaSmiHealth.USAGE_FIELDS + " --format=csv,noheader,nounits");
    }

    @Test
    void utilisationAndMemoryUsedAreReadApartAndADriverWithoutThemIsNotAskedAgain() {
        FakeNvidiaSmi smi = FakeNvidiaSmi.install(tmp, 2);
        smi.gpuTable(FakeNvidiaSmi.HEADER + ", utilization.gpu, memory.used\n"
                + "0, " + FakeNvidiaSmi.uuid(0) + ", H100, 81559, " + FakeNvidiaSmi.bus(0) + ", 50, 300, 0, No, 0x0, 87, 40960\n"
                + "1, " + FakeNvidiaSmi.uuid(1) + ", H100, 81559, " + FakeNvidiaSmi.bus(1) + ", 51, 310, 0, No, 0x0, [N/A], 0\n");
        NvidiaSmiHealth health = new NvidiaSmiHealth(smi.nvidiaSmi(), Duration.ofSeconds(10));

        GpuReadout readout = value(health.read());
        assertThat(readout.gpus().get(0).utilizationPercent()).hasValue(87);
        assertThat(readout.gpus().get(0).memoryUsedBytes()).hasValue(40960L << 20);
        assertThat(readout.gpus().get(1).utilizationPercent()).isEmpty();
        assertThat(readout.gpus().get(1).memoryUsedBytes()).hasValue(0);
        assertThat(readout.notes()).isEmpty();

        smi.gpuTable(FakeNvidiaSmi.HEADER + "\n"
                + "0, " + FakeNvidiaSmi.uuid(0) + ", H100, 81559, " + FakeNvidiaSmi.bus(0) + ", 50, 300, 0, No, 0x0\n");
        GpuReadout older = value(health.read());
        GpuReadout again = value(health.read());
        assertThat(older.gpus().get(0).utilizationPercent()).isEmpty();
        assertThat(again.notes()).as("usage readings are for metrics; their absence is no health note").isEmpty();
        assertThat(smi.calls().stream().filter(c -> c.contains("utilization.gpu")).count())
                .as("refused once, then not asked").isEqualTo(2);
    }

    @Test
    void aFieldTheDriverDoesNotKnowIsDroppedOnceAndNoted() {
        FakeNvidiaSmi smi = FakeNvidiaSmi.install(tmp, 1);
        smi.gpuTable("index, uuid, pci.bus_id, temperature.gpu, power.draw, ecc.errors.uncorrected.volatile.total, "
                + "retired_pages.pending\n0, GPU-a, 00000000:18:00.0, 50, 100, 0, No\n");
        NvidiaSmiHealth health = new NvidiaSmiHealth(smi.nvidiaSmi(), Duration.ofSeconds(10));

        GpuReadout first = value(health.read());
        GpuReadout second = value(health.read());

        assertThat(first.gpus()).singleElement().satisfies(g -> {
            assertThat(g.temperatureC()).isEqualTo(OptionalDouble.of(50));
            assertThat(g.throttleReasons()).isEmpty();
        });
        assertThat(first.notes()).containsExactly("nvidia-smi does not know clocks_throttle_reasons.active: not watched");
        assertThat(second).isEqualTo(first);
        assertThat(smi.calls().stream().filter(c -> c.contains("clocks_throttle_reasons")).count())
                .as("the rejected field is asked for once").isEqualTo(1);
    }

    @Test
    void noDevicesIsAnEmptyReadingNotAFailure() {
        FakeNvidiaSmi smi = FakeNvidiaSmi.install(tmp, 0);
        smi.write("errors.txt", "No devices were found\n");
        smi.write("exit-code", "6");

        Reading<GpuReadout> r = new NvidiaSmiHealth(smi.nvidiaSmi(), Duration.ofSeconds(10)).read();

        assertThat(value(r).gpus()).isEmpty();
    }

    @Test
    void aFailingDriverIsUnavailableWithItsFirstLine() {
        FakeNvidiaSmi smi = FakeNvidiaSmi.install(tmp, 0);
        smi.write("errors.txt", "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n");
        smi.write("exit-code", "9");

        Reading<GpuReadout> r = new NvidiaSmiHealth(smi.nvidiaSmi(), Duration.ofSeconds(10)).read();

        assertThat(r).isEqualTo(Reading.unavailable("nvidia-smi exited with 9: NVIDIA-SMI has failed because it "
                + "couldn't communicate with the NVIDIA driver."));
    }

    @Test
    void aHungDriverTimesOut() {
        FakeNvidiaSmi smi = FakeNvidiaSmi.install(tmp, 1);
        smi.write("hang", "");

        long start = System.nanoTime();
        Reading<GpuReadout> r = new NvidiaSmiHealth(smi.nvidiaSmi(), Duration.ofMillis(300)).read();

        assertThat(r).isEqualTo(Reading.unavailable("nvidia-smi did not answer within 0.3 s"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aMissingBinaryIsUnavailable() {
        Reading<GpuReadout> r = new NvidiaSmiHealth(tmp.resolve("no-such-nvidia-smi"), Duration.ofSeconds(1)).read();

        assertThat(why(r)).startsWith("cannot run " + tmp.resolve("no-such-nvidia-smi"));
    }
}
