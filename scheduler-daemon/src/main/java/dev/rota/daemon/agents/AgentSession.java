package dev.rota.daemon.agents;

import dev.rota.logging.LogFields;
import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.GpuInfo;
import dev.rota.agent.v1.NodeHealth;
import dev.rota.agent.v1.Register;
import dev.rota.agent.v1.Registered;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.Outcome;
import dev.rota.core.job.JobId;
import dev.rota.core.node.Gpu;
import dev.rota.daemon.loop.EngineLoop;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One agent's {@code Connect} stream. Inbound messages become engine events; outbound sends are
 * serialised here because a {@link StreamObserver} is not thread-safe.
 *
 * <p>Health (docs/health.md): when a Register or Heartbeat reports the node unhealthy with a drain
 * reason this stream has not acted on yet, the session asks the engine to drain the node
 * ({@code NodeDrainRequested}, by {@value #HEALTH_DRAINER}), unless the node is already drained for
 * exactly that reason. The drain stays until an admin resumes the node; a reason already acted on is
 * not repeated, so a resume sticks until the agent reports a different fault, a fault again after
 * being healthy, or reconnects. Warnings are logged once per change.
 */
final class AgentSession implements StreamObserver<AgentMessage> {
    private static final Logger LOG = Logger.getLogger(AgentSession.class.getName());
    private static final String NODE_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";
    /** Who health drains are recorded as by (shown as the drain's author in {@code rota nodes}). */
    static final String HEALTH_DRAINER = "rota-agent health";

    private final StreamObserver<DaemonMessage> outbound;
    private final EngineLoop loop;
    private final AgentSessions sessions;
    private String node;
    private boolean closed;
    // Inbound messages of one stream arrive one at a time (gRPC serialises a call's onNext), so the
    // health memory needs no lock.
    /** The drain reason last acted on; null while the agent reports healthy. */
    private String healthDrainReason;
    private List<String> healthWarnings = List.of();
    /** When the agent was last heard from ({@link System#nanoTime()}), for the silence watchdog. */
    private volatile long lastHeardNanos = System.nanoTime();
    /** The agent's latest health report (null until one came) and version, for {@code rota nodes --long}. */
    private volatile NodeHealth lastHealth;
    private volatile String agentVersion = "";

    AgentSession(StreamObserver<DaemonMessage> outbound, EngineLoop loop, AgentSessions sessions) {
        this.outbound = outbound;
        this.loop = loop;
        this.sessions = sessions;
    }

    @Override
    public void onNext(AgentMessage message) {
        lastHeardNanos = System.nanoTime();
        switch (message.getKindCase()) {
            case REGISTER -> register(message.getRegister());
            case HEARTBEAT -> {
                if (node == null) {
                    fail(Status.FAILED_PRECONDITION.withDescription("register first"));
                    return;
                }
                List<Event.RunningAllocation> running = running(message.getHeartbeat().getRunningList());
                String n = node;
                loop.submit(at -> new Event.NodeHeartbeat(at, n, running));
                if (message.getHeartbeat().hasHealth()) {
                    health(message.getHeartbeat().getHealth());
                }
            }
            case ALLOCATION_ENDED -> {
                if (node == null) {
                    fail(Status.FAILED_PRECONDITION.withDescription("register first"));
                    return;
                }
                AllocationEnded e = message.getAllocationEnded();
                String n = node;
                loop.submit(at -> new Event.AllocationEnded(at, n, JobId.of(e.getAllocation().getJobId()),
                        e.getAllocation().getAttempt(), e.getExitCode(), e.getLaunchError(), e.getNodeFault()));
            }
            case DRAIN -> {
                if (node == null) {
                    fail(Status.FAILED_PRECONDITION.withDescription("register first"));
                    return;
                }
                String n = node;
                String reason = message.getDrain().getReason().isBlank() ? "drained by its agent (no reason given)"
                        : message.getDrain().getReason();
                LogFields.node(n).log(LOG, Level.WARNING, "node " + n + ": its agent asks for a drain: " + reason);
                loop.submit(at -> new Event.NodeDrainRequested(at, n, reason,
                        dev.rota.core.engine.SchedulerEngine.NODE_FAULT_DRAINER));
            }
            case ENERGY -> {
                if (node == null) {
                    fail(Status.FAILED_PRECONDITION.withDescription("register first"));
                    return;
                }
                String n = node;
                var e = message.getEnergy();
                loop.submit(at -> new Event.EnergyReported(at, n, JobId.of(e.getAllocation().getJobId()),
                        e.getAllocation().getAttempt(), e.getJoules()));
            }
            case KIND_NOT_SET -> fail(Status.INVALID_ARGUMENT.withDescription("empty agent message"));
        }
    }

    /** What the session knows about its agent now (any thread). */
    AgentFacts facts() {
        return new AgentFacts(java.time.Duration.ofNanos(silentForNanos()), java.util.Optional.ofNullable(lastHealth),
                agentVersion);
    }

    private void register(Register r) {
        if (node != null) {
            fail(Status.FAILED_PRECONDITION.withDescription("already registered as " + node));
            return;
        }
        if (!r.getNodeName().matches(NODE_NAME)) {
            fail(Status.INVALID_ARGUMENT.withDescription("invalid node name '" + r.getNodeName() + "'"));
            return;
        }
        node = r.getNodeName();
        agentVersion = r.getAgentVersion();
        List<Gpu> gpus = new ArrayList<>();
        for (GpuInfo g : r.getGpusList()) {
            gpus.add(new Gpu(g.getIndex(), g.getUuid(), g.getModel(), g.getMemoryBytes(),
                    g.hasNumaNode() ? g.getNumaNode() : -1));
        }
        List<Event.RunningAllocation> running = running(r.getRunningList());
        List<Event.EndedAllocation> ended = new ArrayList<>();
        for (AllocationEnded e : r.getEndedList()) {
            ended.add(new Event.EndedAllocation(JobId.of(e.getAllocation().getJobId()), e.getAllocation().getAttempt(),
                    e.getExitCode(), e.getLaunchError(), e.getNodeFault()));
        }
        // Attach before the engine sees the registration, so the commands it answers with reach us.
        sessions.attach(node, this);
        send(DaemonMessage.newBuilder().setRegistered(Registered.newBuilder().setNodeName(node)).build());
        String n = node;
        String address = r.getAddress();
        List<Event.RunningAllocation> released = running(r.getReleasedList());
        loop.submit(at -> new Event.NodeRegistered(at, n, address, gpus, running, ended, released));
        LogFields.node(n).log(LOG, Level.INFO, "node " + n + " registered from " + address + " with " + gpus.size() + " GPUs");
        if (r.hasHealth()) {
            // After NodeRegistered in the inbox: a drain of a node the engine does not know yet is refused.
            health(r.getHealth());
        }
    }

    /** Acts on the agent's health report: drains on a new fault reason, logs changed warnings. */
    private void health(NodeHealth h) {
        lastHealth = h;
        String n = node;
        if (!h.getWarningsList().equals(healthWarnings)) {
            healthWarnings = List.copyOf(h.getWarningsList());
            if (healthWarnings.isEmpty()) {
                LOG.info(() -> "node " + n + ": no health warnings");
            } else {
                LOG.info(() -> "node " + n + ": health warnings: " + String.join("; ", h.getWarningsList()));
            }
        }
        if (h.getHealthy()) {
            if (healthDrainReason != null) {
                LOG.info(() -> "node " + n + " reports healthy again; a health drain stays until rota resume");
                healthDrainReason = null;
            }
            return;
        }
        String reason = h.getDrainReason().isBlank() ? "unhealthy (the agent gave no reason)" : h.getDrainReason();
        if (reason.equals(healthDrainReason)) {
            return;
        }
        healthDrainReason = reason;
        boolean alreadyDrained = loop.snapshot().node(n)
                .flatMap(v -> v.record().drain())
                .map(d -> d.reason().equals(reason))
                .orElse(false);
        if (alreadyDrained) {
            return;
        }
        LogFields.node(n).log(LOG, Level.WARNING, "node " + n + " is unhealthy: " + String.join("; ",
                h.getFaultsList().isEmpty() ? List.of(reason) : h.getFaultsList()) + "; draining it");
        loop.submit(at -> new Event.NodeDrainRequested(at, n, reason, HEALTH_DRAINER)).whenComplete((outcome, e) -> {
            if (e != null || outcome instanceof Outcome.Rejected) {
                LOG.warning(() -> "node " + n + ": health drain not recorded: " + (e != null ? e.getMessage() : outcome));
            }
        });
    }

    private static List<Event.RunningAllocation> running(List<AllocationRef> refs) {
        List<Event.RunningAllocation> running = new ArrayList<>(refs.size());
        for (AllocationRef a : refs) {
            running.add(new Event.RunningAllocation(JobId.of(a.getJobId()), a.getAttempt()));
        }
        return running;
    }

    /** Nanoseconds since the agent last sent anything. */
    long silentForNanos() {
        return System.nanoTime() - lastHeardNanos;
    }

    /** The agent went silent: end the stream so the node counts as gone. */
    void silenced(java.time.Duration limit) {
        LOG.warning(() -> "node " + node + " sent nothing for " + limit.toSeconds() + " s; closing its stream");
        fail(Status.UNAVAILABLE.withDescription("no heartbeat for " + limit.toSeconds() + " s"));
    }

    synchronized void send(DaemonMessage message) {
        if (closed) {
            return;
        }
        try {
            outbound.onNext(message);
        } catch (RuntimeException e) {
            LOG.warning(() -> "send to " + node + " failed: " + e.getMessage());
        }
    }

    /** A newer session for the same node took over: end this stream. */
    synchronized void replaced() {
        if (!closed) {
            closed = true;
            outbound.onError(Status.ABORTED.withDescription("replaced by a newer connection for node " + node)
                    .asRuntimeException());
        }
    }

    private synchronized void fail(Status status) {
        if (!closed) {
            closed = true;
            outbound.onError(status.asRuntimeException());
        }
        gone();
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            closed = true;
        }
        gone();
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            if (!closed) {
                closed = true;
                outbound.onCompleted();
            }
        }
        gone();
    }

    private void gone() {
        String n = node;
        if (n != null && sessions.detach(n, this)) {
            LogFields.node(n).log(LOG, Level.INFO, "node " + n + " disconnected");
            loop.submit(at -> new Event.NodeDisconnected(at, n));
        }
    }
}
