package dev.rota.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthMonitorTest {

    private static final Duration FAST = Duration.ofMillis(50);
    private static final Duration SOON = Duration.ofSeconds(10);
    private static final HealthReport DEFAULT_REPORT_OF_NOTHING =
            HealthPolicy.defaults().assess(Observation.nothing(HealthPolicyTest.REGISTERED));

    @TempDir
    Path tmp;

    private final AtomicReference<Reading<GpuReadout>> gpus = new AtomicReference<>(HealthPolicyTest.allHealthy());
    private final AtomicReference<String> kernelLog = new AtomicReference<>("");
    private final List<HealthReport> heard = new CopyOnWriteArrayList<>();

    private HealthMonitor start(Optional<HealthCheckProgram> check) {
        HealthMonitor m = HealthMonitor.start("node-1", new HealthMonitor.Sources(HealthPolicyTest.REGISTERED,
                Optional.of(gpus::get), Optional.of(() -> Reading.of(kernelLog.get())), check),
                HealthPolicy.defaults(), FAST);
        m.addListener(heard::add);
        return m;
    }

    @Test
    void theFirstVerdictIsThereBeforeStartReturns() {
        kernelLog.set(HealthPolicyTest.xid(3, 79, "GPU has fallen off the bus."));

        try (HealthMonitor m = start(Optional.empty())) {
            assertThat(m.current().drainReason()).isEqualTo("gpu 3: XID 79 (GPU has fallen off the bus)");
        }
    }

    @Test
    void listenersHearChangesOfVerdictOnly() {
        try (HealthMonitor m = start(Optional.empty())) {
            assertThat(m.current().healthy()).isTrue();

            kernelLog.set(HealthPolicyTest.xid(1, 48, "DBE"));
            Eventually.until(SOON, "the XID is heard", () -> !heard.isEmpty());
            assertThat(heard).singleElement().satisfies(r ->
                    assertThat(r.faults()).containsExactly("gpu 1: XID 48 (double bit ECC error)"));

            // New readings, same verdict: nobody is told.
            gpus.set(HealthPolicyTest.read(0, s -> HealthPolicyTest.with(s, java.util.OptionalDouble.of(60),
                    s.eccUncorrected(), s.remappedRowsPending(), s.remappedRowsFailed(), s.throttleReasons(),
                    List.of())));
            Eventually.until(SOON, "the new reading is polled",
                    () -> m.current().gpus().getFirst().sample().orElseThrow().temperatureC().getAsDouble() == 60);
            assertThat(heard).hasSize(1);

            kernelLog.set("");
            Eventually.until(SOON, "healthy again is heard", () -> heard.size() == 2);
            assertThat(heard.get(1).healthy()).isTrue();
        }
    }

    @Test
    void aMissingGpuIsNoticedWithinAPoll() {
        try (HealthMonitor m = start(Optional.empty())) {
            gpus.set(HealthPolicyTest.without(2));

            Eventually.until(SOON, "the missing GPU drains", () -> !m.current().healthy());
            assertThat(m.current().drainReason()).isEqualTo("gpu 2: missing (not listed by nvidia-smi)");
        }
    }

    @Test
    void nvidiaSmiFailingThreePollsInARowDrains() {
        try (HealthMonitor m = start(Optional.empty())) {
            gpus.set(Reading.unavailable("nvidia-smi did not answer within 15 s"));

            Eventually.until(SOON, "the failure drains", () -> !m.current().healthy());
            assertThat(m.current().drainReason())
                    .isEqualTo("nvidia-smi failing for 3 polls: nvidia-smi did not answer within 15 s");
            assertThat(heard.getFirst().warnings())
                    .containsExactly("GPU health unknown: nvidia-smi did not answer within 15 s");
        }
    }

    @Test
    void aSourceThatThrowsDoesNotStopThePolling() {
        AtomicInteger polls = new AtomicInteger();
        try (HealthMonitor m = HealthMonitor.start("node-1", new HealthMonitor.Sources(HealthPolicyTest.REGISTERED,
                Optional.of(() -> {
                    if (polls.incrementAndGet() % 2 == 1) {
                        throw new IllegalStateException("a bug in a source");
                    }
                    return HealthPolicyTest.without(0);
                }), Optional.empty(), Optional.empty()), HealthPolicy.defaults(), FAST)) {
            Eventually.until(SOON, "a later poll to succeed", () -> !m.current().healthy());
            assertThat(polls.get()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void theCheckProgramRunsOnItsOwnIntervalAndDrainsWithItsFirstLine() throws IOException {
        Path flag = tmp.resolve("broken");
        Path program = tmp.resolve("check.sh");
        Files.writeString(program, "#!/bin/bash\nif [ -e '" + flag + "' ]; then echo \"$(cat '" + flag + "')\"; exit 1; fi\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (HealthMonitor m = start(Optional.of(new HealthCheckProgram(program, FAST, Duration.ofSeconds(5))))) {
            assertThat(m.current().healthy()).isTrue();

            Files.writeString(flag, "GPU burn test failed on gpu 5\nmore detail\n");
            Eventually.until(SOON, "the check drains", () -> !m.current().healthy());
            assertThat(m.current().drainReason()).isEqualTo("GPU burn test failed on gpu 5");

            Files.delete(flag);
            Eventually.until(SOON, "the check passes again", () -> m.current().healthy());
        }
    }

    @Test
    void aSlowCheckDoesNotHoldUpGpuPolls() throws IOException {
        Path program = tmp.resolve("slow.sh");
        Files.writeString(program, "#!/bin/bash\nexec sleep 30\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (HealthMonitor m = start(Optional.of(new HealthCheckProgram(program, Duration.ofMillis(100),
                Duration.ofSeconds(2))))) {
            assertThat(m.current().drainReason()).isEqualTo("health check timed out after 2 s");

            gpus.set(HealthPolicyTest.without(1));
            Eventually.until(Duration.ofMillis(1500), "the GPU poll, while the next check still runs",
                    () -> m.current().faults().contains("gpu 1: missing (not listed by nvidia-smi)"));
        }
    }

    @Test
    void nothingToWatchIsHealthyWithoutThreads() {
        try (HealthMonitor m = HealthMonitor.start("node-1", new HealthMonitor.Sources(HealthPolicyTest.REGISTERED,
                Optional.empty(), Optional.empty(), Optional.empty()), HealthPolicy.defaults(), FAST)) {
            assertThat(m.current()).isEqualTo(DEFAULT_REPORT_OF_NOTHING);
        }
    }
}
