package dev.rota.bench;

import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AgentServiceGrpc;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.GpuInfo;
import dev.rota.agent.v1.Heartbeat;
import dev.rota.agent.v1.LaunchJob;
import dev.rota.agent.v1.Register;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A node agent that runs nothing: it registers GPUs over the real {@code AgentService/Connect} stream,
 * heart-beats the allocations it was given, and answers a kill with the job's end. Capacity for a
 * load test without processes.
 *
 * <p>Threading: messages from the daemon arrive on a gRPC thread; sends are serialised on this object.
 */
final class ScriptedNode implements AutoCloseable {
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private final StreamObserver<AgentMessage> out;
    private final BlockingQueue<LaunchJob> launched = new LinkedBlockingQueue<>();
    private final List<AllocationRef> running = new ArrayList<>();
    private final ScheduledExecutorService heartbeats;

    private ScriptedNode(Channel channel) {
        out = AgentServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(DaemonMessage m) {
                switch (m.getKindCase()) {
                    case LAUNCH -> {
                        synchronized (ScriptedNode.this) {
                            running.add(m.getLaunch().getAllocation());
                        }
                        launched.add(m.getLaunch());
                    }
                    case KILL -> ended(m.getKill().getAllocation());
                    default -> {
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scripted-node-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects as {@code name} with {@code gpus} GPUs and starts heart-beating. */
    static ScriptedNode register(Channel channel, String name, int gpus) {
        ScriptedNode node = new ScriptedNode(channel);
        Register.Builder r = Register.newBuilder().setNodeName(name).setAddress("127.0.0.1:1")
                .setAgentVersion("rota-benchmarks");
        for (int i = 0; i < gpus; i++) {
            r.addGpus(GpuInfo.newBuilder().setIndex(i).setUuid("GPU-" + name + "-" + i).setModel("Scripted"));
        }
        node.send(AgentMessage.newBuilder().setRegister(r).build());
        node.heartbeats.scheduleAtFixedRate(node::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        return node;
    }

    /** The next job launched here, or empty when none comes within {@code timeout}. */
    Optional<LaunchJob> nextLaunch(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(launched.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    private void heartbeat() {
        synchronized (this) {
            send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().addAllRunning(running)).build());
        }
    }

    /** A kill ends the allocation at once, as if its processes died of SIGTERM. */
    private void ended(AllocationRef allocation) {
        synchronized (this) {
            if (running.remove(allocation)) {
                send(AgentMessage.newBuilder().setAllocationEnded(AllocationEnded.newBuilder()
                        .setAllocation(allocation).setExitCode(128 + 15)).build());
            }
        }
    }

    private synchronized void send(AgentMessage m) {
        out.onNext(m);
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        synchronized (this) {
            try {
                out.onCompleted();
            } catch (RuntimeException e) {
                // The daemon may be gone already; nothing to tell it.
            }
        }
    }
}
