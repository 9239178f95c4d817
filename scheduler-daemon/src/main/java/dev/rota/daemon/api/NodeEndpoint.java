package dev.rota.daemon.api;

import dev.rota.api.v1.DrainNodeRequest;
import dev.rota.api.v1.DrainNodeResponse;
import dev.rota.api.v1.ListNodesRequest;
import dev.rota.api.v1.ListNodesResponse;
import dev.rota.api.v1.NodeServiceGrpc;
import dev.rota.api.v1.ResumeNodeRequest;
import dev.rota.api.v1.ResumeNodeResponse;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.NodeView;
import dev.rota.daemon.audit.AuditEntry;
import dev.rota.daemon.audit.AuditTrail;
import dev.rota.daemon.loop.EngineLoop;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/** The node API: list from the snapshot; drain and resume through the engine loop, audited. */
public final class NodeEndpoint extends NodeServiceGrpc.NodeServiceImplBase {
    private final EngineLoop loop;
    private final java.util.function.Supplier<dev.rota.core.policy.Policy> policies;
    private final AuditTrail audit;
    private final dev.rota.core.topology.Topology topology;
    private final java.util.function.Function<String, java.util.Optional<dev.rota.daemon.agents.AgentFacts>> agents;
    private final java.util.function.Supplier<dev.rota.daemon.loop.StepTimes.Summary> stepTimes;

    /**
     * @param policies the policy the engine runs with now: which partitions each node is in
     * @param audit    where every drain and resume is recorded, before its caller is answered
     * @param topology the network the engine places over: where each node sits
     */
    public NodeEndpoint(EngineLoop loop, java.util.function.Supplier<dev.rota.core.policy.Policy> policies,
            AuditTrail audit, dev.rota.core.topology.Topology topology) {
        this(loop, policies, audit, node -> java.util.Optional.empty(),
                () -> new dev.rota.daemon.loop.StepTimes().summary(), topology);
    }

    /**
     * @param agents    what each node's connected agent last reported (heartbeat age, health)
     * @param stepTimes how long recent engine steps took
     * @param topology  the network the engine places over: where each node sits
     */
    public NodeEndpoint(EngineLoop loop, java.util.function.Supplier<dev.rota.core.policy.Policy> policies,
            AuditTrail audit,
            java.util.function.Function<String, java.util.Optional<dev.rota.daemon.agents.AgentFacts>> agents,
            java.util.function.Supplier<dev.rota.daemon.loop.StepTimes.Summary> stepTimes,
            dev.rota.core.topology.Topology topology) {
        this.loop = loop;
        this.policies = policies;
        this.audit = audit;
        this.agents = agents;
        this.stepTimes = stepTimes;
        this.topology = topology;
    }

    @Override
    public void getClusterSummary(dev.rota.api.v1.GetClusterSummaryRequest request,
            StreamObserver<dev.rota.api.v1.ClusterSummary> observer) {
        observer.onNext(ClusterSummaries.of(loop.snapshot(), stepTimes.get()));
        observer.onCompleted();
    }

    @Override
    public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> observer) {
        ListNodesResponse.Builder b = ListNodesResponse.newBuilder();
        for (NodeView n : loop.snapshot().nodes()) {
            b.addNodes(withAgent(ApiMapping.node(n, policies.get().partitionsOf(n.name()),
                    topology.path(n.name()).orElse(java.util.List.of()))));
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }

    @Override
    public void drainNode(DrainNodeRequest request, StreamObserver<DrainNodeResponse> call) {
        StreamObserver<DrainNodeResponse> observer = Audited.call(audit, AuditEntry.DRAIN, request.getName(),
                request.getReason(), call);
        if (request.getName().isBlank()) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("name is required").asRuntimeException());
            return;
        }
        if (request.getReason().isBlank()) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("reason is required: say why the node is drained")
                    .asRuntimeException());
            return;
        }
        String user = CallerIdentity.current();
        String name = request.getName();
        String reason = request.getReason();
        Replies.answer(loop.submit(at -> new Event.NodeDrainRequested(at, name, reason, user)), observer,
                o -> DrainNodeResponse.newBuilder().setNode(current(name)).build());
    }

    @Override
    public void resumeNode(ResumeNodeRequest request, StreamObserver<ResumeNodeResponse> call) {
        StreamObserver<ResumeNodeResponse> observer = Audited.call(audit, AuditEntry.RESUME, request.getName(), "",
                call);
        if (request.getName().isBlank()) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("name is required").asRuntimeException());
            return;
        }
        String user = CallerIdentity.current();
        String name = request.getName();
        Replies.answer(loop.submit(at -> new Event.NodeResumeRequested(at, name, user)), observer,
                o -> ResumeNodeResponse.newBuilder().setNode(current(name)).build());
    }

    private dev.rota.api.v1.Node current(String name) {
        NodeView view = loop.snapshot().node(name).orElseThrow(() -> new StatusRuntimeException(
                Status.NOT_FOUND.withDescription("node '" + name + "' does not exist")));
        return withAgent(ApiMapping.node(view, policies.get().partitionsOf(view.name()),
                topology.path(view.name()).orElse(java.util.List.of())));
    }

    /** Adds what the node's agent last reported: heartbeat age, version, GPU health. */
    private dev.rota.api.v1.Node withAgent(dev.rota.api.v1.Node node) {
        var facts = agents.apply(node.getName());
        if (facts.isEmpty()) {
            return node;
        }
        var f = facts.get();
        dev.rota.api.v1.Node.Builder b = node.toBuilder().setAgentVersion(f.version())
                .setHeartbeatAge(com.google.protobuf.Duration.newBuilder().setSeconds(f.silence().toSeconds())
                        .setNanos(f.silence().toNanosPart()));
        f.health().ifPresent(h -> {
            b.addAllHealthWarnings(h.getFaultsList()).addAllHealthWarnings(h.getWarningsList());
            for (int i = 0; i < b.getGpusCount(); i++) {
                int index = b.getGpus(i).getIndex();
                for (dev.rota.agent.v1.GpuHealth g : h.getGpusList()) {
                    if (g.getIndex() == index) {
                        b.setGpus(i, b.getGpus(i).toBuilder().setHealth(gpuHealth(g.getState()))
                                .addAllHealthConditions(g.getConditionsList()));
                    }
                }
            }
        });
        return b.build();
    }

    private static String gpuHealth(dev.rota.agent.v1.GpuState state) {
        return switch (state) {
            case GPU_STATE_OK -> "OK";
            case GPU_STATE_WARNING -> "WARNING";
            case GPU_STATE_FAILED -> "FAILED";
            case GPU_STATE_MISSING -> "MISSING";
            case GPU_STATE_UNKNOWN, GPU_STATE_UNSPECIFIED, UNRECOGNIZED -> "UNKNOWN";
        };
    }
}
