package dev.rota.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DmesgKernelLogTest {

    @TempDir
    Path tmp;

    @Test
    void readsDmesgFoundOnPath() {
        FakeNvidiaSmi fake = FakeNvidiaSmi.install(tmp, 1);
        fake.xid(0, 79, "GPU has fallen off the bus.");

        Reading<String> log = DmesgKernelLog.onPath("/nonexistent:" + tmp).read();

        assertThat(XidEvent.parse(NvidiaSmiHealthTest.value(log))).extracting(XidEvent::xid).containsExactly(79);
    }

    @Test
    void aRefusedDmesgWithoutFallbackIsUnavailableSayingWhy() {
        FakeNvidiaSmi fake = FakeNvidiaSmi.install(tmp, 1);
        fake.write("dmesg-denied", "");

        Reading<String> log = new DmesgKernelLog(List.of(List.of(tmp.resolve("dmesg").toString())),
                Duration.ofSeconds(5)).read();

        assertThat(log).isEqualTo(Reading.unavailable(
                "dmesg exited with 1: dmesg: read kernel buffer failed: Operation not permitted"));
    }

    @Test
    void theNextCommandIsTriedWhenOneFails() {
        FakeNvidiaSmi fake = FakeNvidiaSmi.install(tmp, 1);
        fake.write("dmesg-denied", "");

        Reading<String> log = new DmesgKernelLog(List.of(List.of(tmp.resolve("dmesg").toString()),
                List.of("/bin/echo", "kernel: hello")), Duration.ofSeconds(5)).read();

        assertThat(NvidiaSmiHealthTest.value(log)).isEqualTo("kernel: hello\n");
    }

    @Test
    void nothingOnPathIsUnavailable() {
        assertThat(DmesgKernelLog.onPath(tmp.toString()).read())
                .isEqualTo(Reading.unavailable("neither dmesg nor journalctl is on PATH"));
    }
}
