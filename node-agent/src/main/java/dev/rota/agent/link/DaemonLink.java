package dev.rota.agent.link;

import dev.rota.agent.exec.JobSupervisor;
import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AgentServiceGrpc;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.GpuInfo;
import dev.rota.agent.v1.Heartbeat;
import dev.rota.agent.v1.NodeHealth;
import dev.rota.agent.v1.Register;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps one {@code AgentService.Connect} stream open to rotad.
 *
 * <p>Each stream starts with {@link Register} (node name, step address, GPUs, and the supervisor's
 * running and ended allocations, so a restarted daemon or stream catches up), then a
 * {@link Heartbeat} every {@code heartbeat}; both carry the node's latest health when a health
 * supplier is given, and {@link #healthChanged()} sends an extra heartbeat at once. {@code LaunchJob} and {@code KillJob} from the daemon go
 * to the {@link JobSupervisor}; its {@link AllocationEnded} reports go out on the stream when one is
 * open (and are repeated in the next Register until released anyway). When the stream fails or the
 * daemon ends it, the link reconnects after {@value #INITIAL_BACKOFF_MS} ms, doubling up to
 * {@value #MAX_BACKOFF_MS} ms, with 20% jitter; the delay resets once the daemon answers.
 * Each change of state (connected, lost, unreachable) is logged once, not every retry.
 *
 * <p><b>Threading.</b> Thread-safe. All outbound messages and all stream state live on one link
 * thread, which serialises writes to the stream (a StreamObserver is not thread-safe). Daemon
 * commands run on the gRPC thread that delivers them, in stream order.
 */
public final class DaemonLink implements AutoCloseable {

    static final long INITIAL_BACKOFF_MS = 200;
    static final long MAX_BACKOFF_MS = 5000;

    private static final Logger LOG = Logger.getLogger(DaemonLink.class.getName());

    /**
     * Who this agent is, as sent in {@link Register}.
     *
     * @param nodeName     this node's name
     * @param address      host:port of this agent's StepService
     * @param gpus         this node's GPUs
     * @param agentVersion the agent's version
     */
    public record Identity(String nodeName, String address, List<GpuInfo> gpus, String agentVersion) {
        public Identity {
            Objects.requireNonNull(nodeName, "nodeName");
            Objects.requireNonNull(address, "address");
            gpus = List.copyOf(gpus);
            Objects.requireNonNull(agentVersion, "agentVersion");
        }
    }

    private enum State { STARTING, CONNECTED, DISCONNECTED }

    private final ManagedChannel channel;
    private final String daemon;
    private final Identity identity;
    private final JobSupervisor supervisor;
    private final ScheduledExecutorService loop;
    private final Backoff backoff;
    private final Supplier<NodeHealth> health;

    // Confined to the link thread.
    private StreamObserver<AgentMessage> stream;
    private State state = State.STARTING;
    // Written on the link thread, read on gRPC threads to drop messages of a replaced stream.
    private volatile int generation;
    private volatile boolean connected;
    private volatile boolean closed;
    /** {@link System#nanoTime()} of the last contact with the daemon (see {@link #sinceContact}). */
    private volatile long lastContactNanos = System.nanoTime();
    /** Drain requests and energy reports not yet sent; confined to the link thread. */
    private final java.util.ArrayDeque<AgentMessage> pendingOnce = new java.util.ArrayDeque<>();

    private DaemonLink(ManagedChannel channel, String daemon, Identity identity, JobSupervisor supervisor,
            Duration heartbeat, Supplier<NodeHealth> health) {
        this.health = Objects.requireNonNull(health, "health");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.daemon = Objects.requireNonNull(daemon, "daemon");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive, was " + heartbeat);
        }
        ScheduledThreadPoolExecutor l = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "rota-link-" + identity.nodeName());
            t.setDaemon(true);
            return t;
        });
        l.setRemoveOnCancelPolicy(true);
        this.loop = l;
        this.backoff = new Backoff(Duration.ofMillis(INITIAL_BACKOFF_MS), Duration.ofMillis(MAX_BACKOFF_MS), 0.2,
                () -> ThreadLocalRandom.current().nextDouble());
        loop.scheduleAtFixedRate(this::heartbeat, heartbeat.toNanos(), heartbeat.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Starts linking to the daemon over {@code channel}, which the link owns from now on and shuts
     * down on {@link #close()}. Returns at once; connecting happens in the background.
     *
     * @param daemon how to name the daemon in logs, e.g. its host:port
     */
    public static DaemonLink start(ManagedChannel channel, String daemon, Identity identity, JobSupervisor supervisor,
            Duration heartbeat) {
        return start(channel, daemon, identity, supervisor, heartbeat, () -> null);
    }

    /**
     * {@link #start(ManagedChannel, String, Identity, JobSupervisor, Duration)} with the node's health
     * in every Register and Heartbeat: {@code health} is asked on the link thread for each message,
     * must not block, and may answer null for "no report".
     */
    public static DaemonLink start(ManagedChannel channel, String daemon, Identity identity, JobSupervisor supervisor,
            Duration heartbeat, Supplier<NodeHealth> health) {
        DaemonLink link = new DaemonLink(channel, daemon, identity, supervisor, heartbeat, health);
        supervisor.addListener(link::reportEnded);
        supervisor.addDrainListener(link::requestDrain);
        supervisor.addEnergyListener(link::reportEnergy);
        link.run(link::connect);
        return link;
    }

    /** Whether the current stream has been answered by the daemon. */
    public boolean isConnected() {
        return connected;
    }

    /**
     * Time since the last contact with the daemon: a message received from it, or a heartbeat handed
     * to the transport of a registered stream (since the link started, before any contact). Grows
     * while the daemon is unreachable. Any thread.
     */
    public Duration sinceContact() {
        return Duration.ofNanos(System.nanoTime() - lastContactNanos);
    }

    /** Sends {@code ended} on the stream if one is open; otherwise the next Register carries it. Any thread. */
    public void reportEnded(AllocationEnded ended) {
        run(() -> send(AgentMessage.newBuilder().setAllocationEnded(ended).build()));
    }

    /**
     * Asks rotad to drain this node for {@code reason} (a failed epilog). Sent once the stream is
     * answered; kept until then, across reconnects (not across an agent restart). Any thread.
     */
    public void requestDrain(String reason) {
        sendOnce(AgentMessage.newBuilder().setDrain(dev.rota.agent.v1.DrainRequest.newBuilder().setReason(reason))
                .build());
    }

    /**
     * Reports the energy an allocation's GPUs drew on this node. Kept until the stream is answered,
     * like {@link #requestDrain}. Any thread.
     */
    public void reportEnergy(dev.rota.agent.v1.AllocationEnergy energy) {
        sendOnce(AgentMessage.newBuilder().setEnergy(energy).build());
    }

    private void sendOnce(AgentMessage message) {
        run(() -> {
            pendingOnce.add(message);
            flushOnce();
        });
    }

    /** On the link thread: sends the one-off messages kept, if the stream is answered. */
    private void flushOnce() {
        while (connected && !pendingOnce.isEmpty()) {
            if (!send(pendingOnce.getFirst())) {
                return;
            }
            pendingOnce.removeFirst();
        }
    }

    /** The node's health changed: send a heartbeat with it now rather than at the next beat. Any thread. */
    public void healthChanged() {
        run(this::heartbeat);
    }

    /** Ends the stream politely and shuts the channel down. Idempotent; blocks for at most a few seconds. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.submit(() -> {
                if (stream != null) {
                    try {
                        stream.onCompleted();
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "closing the stream failed", e);
                    }
                    stream = null;
                }
            }).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the link", e);
        }
        loop.shutdownNow();
        channel.shutdown();
        try {
            if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
        connected = false;
    }

    // ---- on the link thread ----

    private void connect() {
        if (closed) {
            return;
        }
        int gen = ++generation;
        StreamObserver<DaemonMessage> responses = new StreamObserver<>() {
            @Override
            public void onNext(DaemonMessage message) {
                if (gen == generation && !closed) {
                    handle(gen, message);
                }
            }

            @Override
            public void onError(Throwable t) {
                run(() -> ended(gen, Status.fromThrowable(t)));
            }

            @Override
            public void onCompleted() {
                run(() -> ended(gen, Status.UNAVAILABLE.withDescription("the daemon ended the stream")));
            }
        };
        try {
            stream = AgentServiceGrpc.newStub(channel).connect(responses);
            stream.onNext(AgentMessage.newBuilder().setRegister(register()).build());
        } catch (RuntimeException e) {
            ended(gen, Status.fromThrowable(e));
        }
    }

    private Register register() {
        Register.Builder r = Register.newBuilder()
                .setNodeName(identity.nodeName())
                .setAddress(identity.address())
                .addAllGpus(identity.gpus())
                .addAllRunning(supervisor.running())
                .addAllEnded(supervisor.ended())
                .addAllReleased(supervisor.released())
                .setAgentVersion(identity.agentVersion());
        NodeHealth h = health.get();
        if (h != null) {
            r.setHealth(h);
        }
        return r.build();
    }

    private void answered(int gen) {
        if (gen != generation || closed) {
            return;
        }
        connected = true;
        backoff.reset();
        flushOnce();
        if (state != State.CONNECTED) {
            LOG.info(identity.nodeName() + ": registered with rotad at " + daemon);
            state = State.CONNECTED;
        }
    }

    private void ended(int gen, Status status) {
        if (gen != generation || closed) {
            return;
        }
        stream = null;
        connected = false;
        String why = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        switch (state) {
            case CONNECTED -> LOG.warning(identity.nodeName() + ": lost rotad at " + daemon + " (" + why
                    + "); reconnecting");
            case STARTING -> LOG.warning(identity.nodeName() + ": cannot reach rotad at " + daemon + " (" + why
                    + "); retrying");
            case DISCONNECTED -> LOG.fine(() -> identity.nodeName() + ": still cannot reach rotad (" + why + ")");
        }
        state = State.DISCONNECTED;
        long delay = backoff.nextDelay().toNanos();
        try {
            loop.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    private void heartbeat() {
        try {
            if (stream != null) {
                Heartbeat.Builder beat = Heartbeat.newBuilder().addAllRunning(supervisor.running());
                NodeHealth h = health.get();
                if (h != null) {
                    beat.setHealth(h);
                }
                if (send(AgentMessage.newBuilder().setHeartbeat(beat).build()) && connected) {
                    lastContactNanos = System.nanoTime();
                }
            }
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: log and keep beating.
            LOG.log(Level.WARNING, "heartbeat failed", e);
        }
    }

    /** Sends on the open stream; whether the transport took the message. */
    private boolean send(AgentMessage message) {
        if (stream == null || closed) {
            return false;
        }
        try {
            stream.onNext(message);
            return true;
        } catch (RuntimeException e) {
            // The call is already over; its onError/onCompleted will arrive and reconnect.
            LOG.log(Level.FINE, "send failed", e);
            return false;
        }
    }

    // ---- on gRPC threads ----

    private void handle(int gen, DaemonMessage message) {
        lastContactNanos = System.nanoTime();
        switch (message.getKindCase()) {
            case REGISTERED -> run(() -> answered(gen));
            case LAUNCH -> {
                run(() -> answered(gen));
                supervisor.launch(message.getLaunch());
            }
            case KILL -> {
                run(() -> answered(gen));
                supervisor.kill(message.getKill());
            }
            case KIND_NOT_SET -> LOG.fine("ignoring an empty or newer daemon message");
        }
    }

    private void run(Runnable r) {
        try {
            loop.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "link task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // Closed.
        }
    }
}
