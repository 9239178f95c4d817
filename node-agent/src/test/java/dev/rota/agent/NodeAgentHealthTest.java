package dev.rota.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.gpu.NvidiaSmiInventory;
import dev.rota.agent.health.DmesgKernelLog;
import dev.rota.agent.health.FakeNvidiaSmi;
import dev.rota.agent.health.HealthCheckProgram;
import dev.rota.agent.health.HealthPolicy;
import dev.rota.agent.health.HealthSettings;
import dev.rota.agent.link.FakeDaemon;
import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.GpuState;
import dev.rota.agent.v1.NodeHealth;
import dev.rota.agent.v1.Register;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole agent with a fake nvidia-smi and dmesg, reporting its health to a fake rotad. */
class NodeAgentHealthTest {

    private static final Duration WAIT = Duration.ofSeconds(8);
    /** Far longer than any wait here: a report that arrives came with a heartbeat sent on change. */
    private static final Duration SLOW_HEARTBEAT = Duration.ofSeconds(60);

    @TempDir
    Path bin;
    @TempDir
    Path spool;

    private FakeDaemon daemon;
    private FakeNvidiaSmi smi;

    @BeforeEach
    void start() {
        daemon = FakeDaemon.loopback().start();
        smi = FakeNvidiaSmi.install(bin, 2);
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private AgentConfig config(Optional<HealthCheckProgram> check) {
        return AgentConfig.of("gpu-1", daemon.target(), spool, new NvidiaSmiInventory(smi.nvidiaSmi(), Duration.ofSeconds(10)))
                .withHeartbeat(SLOW_HEARTBEAT)
                .withHealth(new HealthSettings(Duration.ofMillis(100), HealthPolicy.defaults(),
                        Optional.of(DmesgKernelLog.onPath(bin.toString())), check));
    }

    private NodeHealth nextHealth() throws InterruptedException {
        return daemon.next(WAIT, m -> m.hasHeartbeat() && m.getHeartbeat().hasHealth()).getHeartbeat().getHealth();
    }

    @Test
    void registersHealthyWithItsGpuReadings() throws Exception {
        try (NodeAgent agent = NodeAgent.start(config(Optional.empty()))) {
            Register r = daemon.next(WAIT, AgentMessage::hasRegister).getRegister();

            assertThat(r.getHealth().getHealthy()).isTrue();
            assertThat(r.getHealth().getDrainReason()).isEmpty();
            assertThat(r.getHealth().getGpusList()).hasSize(2).allSatisfy(g -> {
                assertThat(g.getState()).isEqualTo(GpuState.GPU_STATE_OK);
                assertThat(g.getTemperatureC()).isEqualTo(40);
            });
            assertThat(agent.health().healthy()).isTrue();
        }
    }

    @Test
    void anInjectedXid79IsReportedAtOnceWithTheReason() throws Exception {
        try (NodeAgent agent = NodeAgent.start(config(Optional.empty()))) {
            daemon.next(WAIT, AgentMessage::hasRegister);

            smi.xid(1, 79, "GPU has fallen off the bus.");

            NodeHealth h = nextHealth();
            assertThat(h.getHealthy()).isFalse();
            assertThat(h.getDrainReason()).isEqualTo("gpu 1: XID 79 (GPU has fallen off the bus)");
            assertThat(h.getGpus(1).getXidsList()).containsExactly(79);
        }
    }

    @Test
    void aVanishedGpuIsReportedMissing() throws Exception {
        try (NodeAgent agent = NodeAgent.start(config(Optional.empty()))) {
            daemon.next(WAIT, AgentMessage::hasRegister);

            smi.gpus(FakeNvidiaSmi.row(0, 40, 0, "0x0000000000000004") + "\n");

            NodeHealth h = nextHealth();
            assertThat(h.getDrainReason()).isEqualTo("gpu 1: missing (not listed by nvidia-smi)");
            assertThat(h.getGpus(1).getState()).isEqualTo(GpuState.GPU_STATE_MISSING);
        }
    }

    @Test
    void aHotGpuIsAWarningNotAFault() throws Exception {
        try (NodeAgent agent = NodeAgent.start(config(Optional.empty()))) {
            daemon.next(WAIT, AgentMessage::hasRegister);

            smi.gpus(FakeNvidiaSmi.row(0, 93, 0, "0x0000000000000040") + "\n" + FakeNvidiaSmi.row(1, 40, 0, "0x0") + "\n");

            NodeHealth h = nextHealth();
            assertThat(h.getHealthy()).isTrue();
            assertThat(h.getWarningsList()).containsExactly("gpu 0: temperature over 85 C",
                    "gpu 0: clocks throttled (hardware thermal slowdown)");
        }
    }

    @Test
    void aFailingHealthCheckProgramDrainsWithItsFirstLine() throws Exception {
        Path flag = bin.resolve("broken");
        Path program = bin.resolve("check.sh");
        Files.writeString(program, "#!/bin/bash\n[ -e '" + flag + "' ] || exit 0\necho 'nvme0 is read-only'\nexit 1\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (NodeAgent agent = NodeAgent.start(config(Optional.of(
                new HealthCheckProgram(program, Duration.ofMillis(100), Duration.ofSeconds(5)))))) {
            assertThat(daemon.next(WAIT, AgentMessage::hasRegister).getRegister().getHealth().getHealthy()).isTrue();

            Files.writeString(flag, "");

            assertThat(nextHealth().getDrainReason()).isEqualTo("nvme0 is read-only");
        }
    }

    @Test
    void fakeGpusAreNotPolled() throws IOException, InterruptedException {
        AgentConfig c = AgentConfig.of("gpu-2", daemon.target(), spool,
                new dev.rota.agent.gpu.FakeGpuInventory("gpu-2", 2, "Fake-H100"));
        try (NodeAgent agent = NodeAgent.start(c)) {
            Register r = daemon.next(WAIT, AgentMessage::hasRegister).getRegister();
            assertThat(r.getHealth().getHealthy()).isTrue();
            assertThat(r.getHealth().getGpusList()).extracting(g -> g.getState())
                    .containsOnly(GpuState.GPU_STATE_UNKNOWN);
            assertThat(smi.calls()).isEmpty();
        }
    }
}
