package dev.rota.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AgentServiceGrpc;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.GpuInfo;
import dev.rota.agent.v1.Heartbeat;
import dev.rota.agent.v1.NodeHealth;
import dev.rota.agent.v1.Register;
import dev.rota.api.v1.ListNodesRequest;
import dev.rota.api.v1.Node;
import dev.rota.api.v1.NodeServiceGrpc;
import dev.rota.api.v1.NodeState;
import dev.rota.api.v1.ResumeNodeRequest;
import dev.rota.core.engine.EngineConfig;
import dev.rota.daemon.api.CallerIdentity;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How rotad acts on the health agents report (docs/health.md): the real daemon on loopback and a
 * scripted agent stream sending Register and Heartbeat with NodeHealth.
 */
class AgentHealthTest {
    private static final String XID_79 = "gpu 3: XID 79 (GPU has fallen off the bus)";
    private static final Duration SOON = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private Daemon daemon;
    private ManagedChannel channel;
    private long nextStray = 9000;

    @BeforeEach
    void start() {
        daemon = Daemon.start(new Daemon.Config(dir, HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"),
                EngineConfig.defaults()));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", daemon.grpcAddress().getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        daemon.close();
    }

    private NodeServiceGrpc.NodeServiceBlockingStub nodes() {
        Metadata h = new Metadata();
        h.put(CallerIdentity.USER_HEADER, "admin");
        return NodeServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private Node node() {
        return nodes().listNodes(ListNodesRequest.getDefaultInstance()).getNodes(0);
    }

    private void awaitDrainReason(String reason) throws InterruptedException {
        assertThat(daemon.await(s -> s.node("node-1").flatMap(n -> n.record().drain())
                .map(d -> d.reason().equals(reason)).orElse(false), SOON)).as("drained for %s", reason).isPresent();
    }

    static NodeHealth healthy(String... warnings) {
        return NodeHealth.newBuilder().setHealthy(true).addAllWarnings(java.util.List.of(warnings)).build();
    }

    static NodeHealth unhealthy(String reason) {
        return NodeHealth.newBuilder().setHealthy(false).setDrainReason(reason).addFaults(reason).build();
    }

    /** A scripted agent on the real AgentService stream. */
    private final class ScriptedAgent implements AutoCloseable {
        final BlockingQueue<DaemonMessage> received = new LinkedBlockingQueue<>();
        final StreamObserver<AgentMessage> out;

        ScriptedAgent(NodeHealth health) throws InterruptedException {
            out = AgentServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
                @Override
                public void onNext(DaemonMessage m) {
                    received.add(m);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
            Register.Builder r = Register.newBuilder().setNodeName("node-1").setAddress("127.0.0.1:9");
            for (int i = 0; i < 4; i++) {
                r.addGpus(GpuInfo.newBuilder().setIndex(i).setUuid("GPU-" + i).setModel("H100"));
            }
            if (health != null) {
                r.setHealth(health);
            }
            out.onNext(AgentMessage.newBuilder().setRegister(r).build());
            next(DaemonMessage.KindCase.REGISTERED);
        }

        void heartbeat(NodeHealth health) {
            out.onNext(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setHealth(health)).build());
        }

        /**
         * Waits until the daemon has handled everything this agent sent so far: reports a stray
         * allocation and waits for the engine's order to kill it, which comes after every earlier
         * message of the stream (and any drain they asked for) went through the engine. The stray
         * then counts as work on the node (MIXED, DRAINING) until a heartbeat leaves it out.
         */
        void sync() throws InterruptedException {
            AllocationRef stray = AllocationRef.newBuilder().setJobId(nextStray++).setAttempt(1).build();
            out.onNext(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().addRunning(stray)).build());
            while (true) {
                DaemonMessage m = next(DaemonMessage.KindCase.KILL);
                if (m.getKill().getAllocation().equals(stray)) {
                    return;
                }
            }
        }

        DaemonMessage next(DaemonMessage.KindCase kind) throws InterruptedException {
            while (true) {
                DaemonMessage m = received.poll(10, TimeUnit.SECONDS);
                assertThat(m).as("a %s message", kind).isNotNull();
                if (m.getKindCase() == kind) {
                    return m;
                }
            }
        }

        @Override
        public void close() {
            out.onCompleted();
        }
    }

    @Test
    void an_agent_registering_unhealthy_drains_its_node_with_the_reason() throws Exception {
        try (ScriptedAgent agent = new ScriptedAgent(unhealthy(XID_79))) {
            awaitDrainReason(XID_79);

            Node n = node();
            assertThat(n.getState()).isEqualTo(NodeState.NODE_STATE_DRAINED);
            assertThat(n.getReason()).isEqualTo(XID_79);
            assertThat(n.getDrainedBy()).isEqualTo("rota-agent health");
        }
    }

    @Test
    void a_fault_in_a_heartbeat_drains_and_a_resume_sticks_until_the_fault_changes() throws Exception {
        try (ScriptedAgent agent = new ScriptedAgent(healthy())) {
            agent.heartbeat(unhealthy(XID_79));
            awaitDrainReason(XID_79);

            nodes().resumeNode(ResumeNodeRequest.newBuilder().setName("node-1").build());
            agent.heartbeat(unhealthy(XID_79));
            agent.sync();
            assertThat(node().getDrainedBy()).as("resumed; the same fault is not drained for twice").isEmpty();

            agent.heartbeat(unhealthy("gpu 1: uncorrectable ECC errors"));
            awaitDrainReason("gpu 1: uncorrectable ECC errors");
        }
    }

    @Test
    void a_fault_that_clears_and_comes_back_drains_again() throws Exception {
        try (ScriptedAgent agent = new ScriptedAgent(unhealthy(XID_79))) {
            awaitDrainReason(XID_79);
            nodes().resumeNode(ResumeNodeRequest.newBuilder().setName("node-1").build());

            agent.heartbeat(healthy());
            agent.heartbeat(unhealthy(XID_79));

            awaitDrainReason(XID_79);
        }
    }

    @Test
    void healthy_again_does_not_resume_a_drained_node() throws Exception {
        try (ScriptedAgent agent = new ScriptedAgent(unhealthy(XID_79))) {
            awaitDrainReason(XID_79);

            agent.heartbeat(healthy());
            agent.sync();

            assertThat(node().getDrainedBy()).isEqualTo("rota-agent health");
            assertThat(node().getReason()).isEqualTo(XID_79);
        }
    }

    @Test
    void warnings_and_agents_without_health_leave_the_node_alone() throws Exception {
        try (ScriptedAgent agent = new ScriptedAgent(null)) {
            agent.heartbeat(healthy("gpu 0: temperature over 85 C"));
            agent.out.onNext(AgentMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
            agent.sync();

            assertThat(node().getDrainedBy()).isEmpty();
            assertThat(node().getReason()).isEmpty();
        }
    }

    @Test
    void a_reconnecting_agent_does_not_redrain_a_node_drained_for_the_same_reason() throws Exception {
        try (ScriptedAgent agent = new ScriptedAgent(unhealthy(XID_79))) {
            awaitDrainReason(XID_79);
        }
        var drainedAt = node().getDrainedAt();
        try (ScriptedAgent again = new ScriptedAgent(unhealthy(XID_79))) {
            again.sync();
            assertThat(node().getDrainedAt()).isEqualTo(drainedAt);
            assertThat(node().getReason()).isEqualTo(XID_79);
        }
    }
}
