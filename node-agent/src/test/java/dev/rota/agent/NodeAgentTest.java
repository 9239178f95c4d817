package dev.rota.agent;

import static dev.rota.agent.Eventually.gone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.gpu.FakeGpuInventory;
import dev.rota.agent.link.FakeDaemon;
import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.LaunchJob;
import dev.rota.agent.v1.Register;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole agent over loopback TCP against a fake rotad. */
class NodeAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(8);

    @TempDir
    Path dir;
    @TempDir
    Path spool;

    private FakeDaemon daemon;

    @BeforeEach
    void startDaemon() {
        daemon = FakeDaemon.loopback().start();
    }

    @AfterEach
    void stopDaemon() {
        daemon.close();
    }

    private AgentConfig config(String node) {
        return AgentConfig.of(node, daemon.target(), spool.resolve(node), new FakeGpuInventory(node, 2, "Fake-H100"))
                .withHeartbeat(Duration.ofMillis(200));
    }

    @Test
    void registersItsBoundAddressAndRunsAJobThatUsesSrun() throws Exception {
        try (NodeAgent agent = NodeAgent.start(config("gpu-1"))) {
            Register r = daemon.next(WAIT, AgentMessage::hasRegister).getRegister();
            assertThat(agent.address()).matches("127\\.0\\.0\\.1:\\d+").isNotEqualTo("127.0.0.1:0");
            assertThat(r.getAddress()).isEqualTo(agent.address());
            assertThat(r.getNodeName()).isEqualTo("gpu-1");
            assertThat(r.getGpusList()).extracting(g -> g.getUuid()).containsExactly("GPU-fake-gpu-1-0", "GPU-fake-gpu-1-1");

            LaunchJob launch = Launches.job(12, 1, dir, "srun -l bash -c 'echo $SLURMD_NODENAME $CUDA_VISIBLE_DEVICES'\n",
                    Launches.node("gpu-1", agent.address(), 1)).build();
            daemon.send(DaemonMessage.newBuilder().setLaunch(launch).build());

            AllocationEnded ended = daemon.next(WAIT, AgentMessage::hasAllocationEnded).getAllocationEnded();
            String output = Files.readString(dir.resolve("out.txt"));
            assertThat(ended.getExitCode()).as(output).isZero();
            assertThat(output).isEqualTo("0: gpu-1 1\n");
        }
    }

    @Test
    void itsStepPortAnswersTheStandardGrpcHealthCheck() throws Exception {
        try (NodeAgent agent = NodeAgent.start(config("gpu-3"))) {
            io.grpc.ManagedChannel channel = io.grpc.Grpc.newChannelBuilder(agent.address(),
                    io.grpc.InsecureChannelCredentials.create()).build();
            try {
                io.grpc.health.v1.HealthCheckResponse r = io.grpc.health.v1.HealthGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
                        .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
                assertThat(r.getStatus()).isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void closeKillsRunningJobsAndIsIdempotent() throws Exception {
        NodeAgent agent = NodeAgent.start(config("gpu-2"));
        daemon.next(WAIT, AgentMessage::hasRegister);
        LaunchJob launch = Launches.job(13, 1, dir, "echo $$ > pid\nexec sleep 1000\n",
                Launches.node("gpu-2", agent.address(), 0)).build();
        daemon.send(DaemonMessage.newBuilder().setLaunch(launch).build());
        Eventually.until(WAIT, "job started", () -> Files.exists(dir.resolve("pid"))
                && dir.resolve("pid").toFile().length() > 0);
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());

        agent.close();
        agent.close();

        assertThat(gone(pid)).isTrue();
    }
}
