package dev.rota.daemon.api;

import dev.rota.api.v1.GetFairShareRequest;
import dev.rota.api.v1.GetFairShareResponse;
import dev.rota.api.v1.JobPriority;
import dev.rota.api.v1.ListPrioritiesRequest;
import dev.rota.api.v1.ListPrioritiesResponse;
import dev.rota.api.v1.PolicyServiceGrpc;
import dev.rota.api.v1.PriorityWeights;
import dev.rota.api.v1.ShareRow;
import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.policy.FairTree;
import dev.rota.core.policy.Policy;
import dev.rota.core.policy.Priority;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The policy API: priorities and the fair-share tree, read from the published snapshot's
 * judgement (the last full scheduling cycle). Never touches the engine; thread-safe.
 */
public final class PolicyEndpoint extends PolicyServiceGrpc.PolicyServiceImplBase {
    private final Supplier<ClusterSnapshot> snapshots;
    private final Supplier<Policy> policies;
    private final java.time.Clock clock;

    /** @param policies the policy the engine runs with now (it changes when the file is reloaded) */
    public PolicyEndpoint(Supplier<ClusterSnapshot> snapshots, Supplier<Policy> policies, java.time.Clock clock) {
        this.snapshots = snapshots;
        this.policies = policies;
        this.clock = clock;
    }

    @Override
    public void explainJob(dev.rota.api.v1.ExplainJobRequest request,
            StreamObserver<dev.rota.api.v1.ExplainJobResponse> observer) {
        if (request.getJobId() == 0) {
            observer.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription("job_id is required").asRuntimeException());
            return;
        }
        var explained = dev.rota.core.engine.Explanation.of(snapshots.get(), policies.get(), JobId.of(request.getJobId()),
                clock.instant());
        if (explained.isEmpty()) {
            observer.onError(io.grpc.Status.NOT_FOUND.withDescription("job " + request.getJobId()
                    + " is not pending or running (see rota history)").asRuntimeException());
            return;
        }
        var e = explained.get();
        var b = dev.rota.api.v1.ExplainJobResponse.newBuilder().setJobId(request.getJobId())
                .setState(ApiMapping.state(e.state())).setReason(e.reason()).setReasonText(e.reasonText())
                .addAllFacts(e.facts()).addAllSuggestions(e.suggestions());
        e.estimatedStart().ifPresent(t -> b.setEstimatedStartTime(ApiMapping.timestamp(t)));
        observer.onNext(b.build());
        observer.onCompleted();
    }

    @Override
    public void listPriorities(ListPrioritiesRequest request, StreamObserver<ListPrioritiesResponse> observer) {
        ClusterSnapshot snapshot = snapshots.get();
        Policy policy = policies.get();
        ClusterSnapshot.Judgement judgement = snapshot.judgement();
        Set<Long> wanted = new HashSet<>(request.getJobIdsList());
        List<JobPriority> out = new ArrayList<>();
        // Jobs submitted since the last full cycle have no judged priority yet: judge them here with
        // that cycle's fair-share factors and the same formula, as of now.
        Map<String, Double> factors = new java.util.HashMap<>();
        for (FairTree.Row r : judgement.shares()) {
            if (!r.user().isEmpty()) {
                factors.put(r.account() + "\0" + r.user(), r.factor());
            }
        }
        int clusterGpus = snapshot.nodes().stream().mapToInt(dev.rota.core.engine.NodeView::gpusTotal).sum();
        java.time.Instant now = clock.instant();
        for (Job job : snapshot.jobs().values()) {
            if (job.state() != dev.rota.core.job.JobState.PENDING
                    || (!wanted.isEmpty() && !wanted.contains(job.id().value()))
                    || (!request.getUser().isEmpty() && !request.getUser().equals(job.spec().user()))) {
                continue;
            }
            String qos = job.spec().qos().isEmpty() ? policy.defaultQos() : job.spec().qos();
            Priority p = judgement.priorities().get(job.id());
            if (p == null) {
                var level = policy.qos().get(qos);
                p = Priority.of(policy.weights(), job.submitTime(), now,
                        factors.getOrDefault(job.spec().account() + "\0" + job.spec().user(), 1.0),
                        job.spec().totalGpus(), clusterGpus, level == null ? 0 : level.priority(),
                        policy.maxQosPriority());
            }
            out.add(JobPriority.newBuilder().setJobId(job.id().value()).setUser(job.spec().user())
                    .setAccount(job.spec().account()).setQos(qos)
                    .setPriority(p.priority()).setAge(p.age()).setFairShare(p.fairShare()).setJobSize(p.jobSize())
                    .setQosFactor(p.qos()).build());
        }
        out.sort(Comparator.comparingLong(JobPriority::getPriority).reversed()
                .thenComparingLong(JobPriority::getJobId));
        var w = policy.weights();
        ListPrioritiesResponse.Builder b = ListPrioritiesResponse.newBuilder().addAllJobs(out)
                .setWeights(PriorityWeights.newBuilder().setFairShare(w.fairShare()).setAge(w.age())
                        .setJobSize(w.jobSize()).setQos(w.qos())
                        .setMaxAge(com.google.protobuf.Duration.newBuilder().setSeconds(w.maxAge().toSeconds())));
        if (judgement.at() != null) {
            b.setJudgedAt(ApiMapping.timestamp(judgement.at()));
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }

    @Override
    public void getFairShare(GetFairShareRequest request, StreamObserver<GetFairShareResponse> observer) {
        ClusterSnapshot.Judgement judgement = snapshots.get().judgement();
        Policy policy = policies.get();
        GetFairShareResponse.Builder b = GetFairShareResponse.newBuilder().setUsageHalfLife(
                com.google.protobuf.Duration.newBuilder().setSeconds(policy.usageHalfLife().toSeconds()));
        for (FairTree.Row r : judgement.shares()) {
            ShareRow.Builder row = ShareRow.newBuilder().setAccount(r.account()).setUser(r.user()).setDepth(r.depth())
                    .setShares(r.shares()).setNormShares(r.normShares()).setUsageGpuHours(r.usage() / 3600)
                    .setNormUsage(r.normUsage()).setLevelFairness(r.levelFairness());
            if (!Double.isNaN(r.factor())) {
                row.setFairShare(r.factor());
            }
            b.addRows(row);
        }
        if (judgement.at() != null) {
            b.setJudgedAt(ApiMapping.timestamp(judgement.at()));
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }
}
