package dev.rota.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.gpu.NvidiaSmiInventory;
import dev.rota.agent.health.DmesgKernelLog;
import dev.rota.agent.health.FakeNvidiaSmi;
import dev.rota.agent.health.HealthPolicy;
import dev.rota.agent.health.HealthSettings;
import dev.rota.agent.link.FakeDaemon;
import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AllocationEnergy;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.KillJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Energy accounting through a whole agent: a fake nvidia-smi scripts each GPU's power.draw, a real
 * job runs on one of them, and the release reports the joules of that GPU alone.
 */
class NodeAgentEnergyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path bin;
    @TempDir
    Path spool;
    @TempDir
    Path work;

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

    private static String row(int index, String watts) {
        return FakeNvidiaSmi.row(index, 40, 0, "0x0000000000000004").replace("120.50", watts) + "\n";
    }

    @Test
    void theReleaseReportsTheJoulesOfTheJobsOwnGpu() throws Exception {
        // GPU 0 (the job's) draws 300 W, GPU 1 (not the job's) 1000 W.
        smi.gpus(row(0, "300.00") + row(1, "1000.00"));
        AgentConfig config = AgentConfig.of("gpu-1", daemon.target(), spool,
                        new NvidiaSmiInventory(smi.nvidiaSmi(), Duration.ofSeconds(10)))
                .withHealth(new HealthSettings(Duration.ofMillis(100), HealthPolicy.defaults(),
                        Optional.of(DmesgKernelLog.onPath(bin.toString())), Optional.empty()));
        try (NodeAgent agent = NodeAgent.start(config)) {
            daemon.next(WAIT, AgentMessage::hasRegister);
            long started = System.nanoTime();
            daemon.send(DaemonMessage.newBuilder().setLaunch(Launches.job(9, 1, work, "sleep 2\n",
                    Launches.node("gpu-1", "127.0.0.1:1", 0))).build());
            daemon.next(WAIT, AgentMessage::hasAllocationEnded);
            double ranSeconds = (System.nanoTime() - started) / 1e9;

            daemon.send(DaemonMessage.newBuilder().setKill(KillJob.newBuilder()
                    .setAllocation(AllocationRef.newBuilder().setJobId(9).setAttempt(1)).setSignal("KILL")).build());
            AllocationEnergy energy = daemon.next(WAIT, AgentMessage::hasEnergy).getEnergy();

            assertThat(energy.getAllocation().getJobId()).isEqualTo(9);
            // 300 W over the run, less the start before the first sample (at most a poll and a look).
            assertThat(energy.getJoules()).isBetween(300 * (2.0 - 0.5), 300 * ranSeconds);
        }
    }

    @Test
    void fakeGpusWithoutReadingsReportNoEnergy() throws Exception {
        smi.gpus(row(0, "[N/A]") + row(1, "[N/A]"));
        AgentConfig config = AgentConfig.of("gpu-1", daemon.target(), spool,
                        new NvidiaSmiInventory(smi.nvidiaSmi(), Duration.ofSeconds(10)))
                .withHealth(new HealthSettings(Duration.ofMillis(100), HealthPolicy.defaults(),
                        Optional.of(DmesgKernelLog.onPath(bin.toString())), Optional.empty()))
                .withHeartbeat(Duration.ofSeconds(1));
        try (NodeAgent agent = NodeAgent.start(config)) {
            daemon.next(WAIT, AgentMessage::hasRegister);
            daemon.send(DaemonMessage.newBuilder().setLaunch(Launches.job(10, 1, work, "sleep 0.5\n",
                    Launches.node("gpu-1", "127.0.0.1:1", 0))).build());
            daemon.next(WAIT, AgentMessage::hasAllocationEnded);
            daemon.send(DaemonMessage.newBuilder().setKill(KillJob.newBuilder()
                    .setAllocation(AllocationRef.newBuilder().setJobId(10).setAttempt(1)).setSignal("KILL")).build());
            // A heartbeat after the release, with no energy report before it.
            AgentMessage next = daemon.next(WAIT, m -> m.hasEnergy() || m.hasHeartbeat());
            assertThat(next.hasEnergy()).isFalse();
        }
    }
}
