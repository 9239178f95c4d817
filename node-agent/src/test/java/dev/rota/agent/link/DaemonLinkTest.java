package dev.rota.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.Eventually;
import dev.rota.agent.Launches;
import dev.rota.agent.exec.JobSupervisor;
import dev.rota.agent.gpu.FakeGpuInventory;
import dev.rota.agent.gpu.Gpu;
import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.KillJob;
import dev.rota.agent.v1.LaunchJob;
import dev.rota.agent.v1.Register;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonLinkTest {

    private static final Duration WAIT = Duration.ofSeconds(8);

    @TempDir
    Path dir;
    @TempDir
    Path spool;

    private FakeDaemon daemon;
    private JobSupervisor supervisor;
    private DaemonLink link;

    @BeforeEach
    void start() {
        String name = "rotad-" + UUID.randomUUID();
        daemon = new FakeDaemon(name).start();
        supervisor = new JobSupervisor("node-1", spool);
        var gpus = new FakeGpuInventory("node-1", 4, "Fake-H100").discover().stream().map(Gpu::toProto).toList();
        link = DaemonLink.start(InProcessChannelBuilder.forName(name).build(), "in-process " + name,
                new DaemonLink.Identity("node-1", "127.0.0.1:4001", gpus, "test-1"), supervisor,
                Duration.ofMillis(100));
    }

    @AfterEach
    void stop() {
        link.close();
        supervisor.close();
        daemon.close();
    }

    @Test
    void registersWithItsGpusThenHeartbeats() throws InterruptedException {
        Register r = daemon.next(WAIT, AgentMessage::hasRegister).getRegister();

        assertThat(r.getNodeName()).isEqualTo("node-1");
        assertThat(r.getAddress()).isEqualTo("127.0.0.1:4001");
        assertThat(r.getAgentVersion()).isEqualTo("test-1");
        assertThat(r.getGpusList()).hasSize(4);
        assertThat(r.getGpus(3).getUuid()).isEqualTo("GPU-fake-node-1-3");
        assertThat(r.getGpus(3).getMemoryBytes()).isEqualTo(80L << 30);
        assertThat(r.getRunningList()).isEmpty();
        assertThat(daemon.next(WAIT, AgentMessage::hasHeartbeat).getHeartbeat().getRunningList()).isEmpty();
        Eventually.until(WAIT, "link connected", link::isConnected);
    }

    @Test
    void runsALaunchFromTheDaemonAndReportsTheExitCode() throws Exception {
        daemon.next(WAIT, AgentMessage::hasRegister);
        LaunchJob launch = Launches.job(5, 2, dir, "while [ ! -e go ]; do sleep 0.02; done\nexit 4\n",
                Launches.node("node-1", "127.0.0.1:4001", 0)).build();

        daemon.send(DaemonMessage.newBuilder().setLaunch(launch).build());

        AgentMessage beat = daemon.next(WAIT, m -> m.hasHeartbeat() && m.getHeartbeat().getRunningCount() > 0);
        assertThat(beat.getHeartbeat().getRunningList()).containsExactly(launch.getAllocation());
        Files.createFile(dir.resolve("go"));
        AllocationEnded ended = daemon.next(WAIT, AgentMessage::hasAllocationEnded).getAllocationEnded();
        assertThat(ended.getAllocation()).isEqualTo(launch.getAllocation());
        assertThat(ended.getExitCode()).isEqualTo(4);
    }

    @Test
    void reconnectsAfterTheDaemonRestartsAndRepeatsUnreleasedEnds() throws Exception {
        daemon.next(WAIT, AgentMessage::hasRegister);
        LaunchJob launch = Launches.job(6, 1, dir, "exit 9\n", Launches.node("node-1", "127.0.0.1:4001", 0)).build();
        daemon.send(DaemonMessage.newBuilder().setLaunch(launch).build());
        assertThat(daemon.next(WAIT, AgentMessage::hasAllocationEnded).getAllocationEnded().getExitCode()).isEqualTo(9);

        daemon.stop();
        Eventually.until(WAIT, "link notices the daemon is gone", () -> !link.isConnected());
        daemon.start();

        Register again = daemon.next(WAIT, AgentMessage::hasRegister).getRegister();
        assertThat(again.getEndedList()).singleElement().satisfies(e -> {
            assertThat(e.getAllocation()).isEqualTo(launch.getAllocation());
            assertThat(e.getExitCode()).isEqualTo(9);
        });
        Eventually.until(WAIT, "link connected again", link::isConnected);

        daemon.send(DaemonMessage.newBuilder().setKill(KillJob.newBuilder().setAllocation(launch.getAllocation())
                .setSignal("KILL")).build());
        Eventually.until(WAIT, "release acknowledged the end", () -> supervisor.ended().isEmpty());
    }
}
