package dev.rota.daemon.api;

import dev.rota.api.v1.CancelJobRequest;
import dev.rota.api.v1.CancelJobResponse;
import dev.rota.api.v1.GetJobRequest;
import dev.rota.api.v1.GetJobResponse;
import dev.rota.api.v1.JobControlRequest;
import dev.rota.api.v1.JobControlResponse;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.UpdateJobRequest;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.ListJobsRequest;
import dev.rota.api.v1.ListJobsResponse;
import dev.rota.api.v1.SubmitJobRequest;
import dev.rota.api.v1.SubmitJobResponse;
import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.Outcome;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.api.v1.ListHistoryRequest;
import dev.rota.api.v1.ListHistoryResponse;
import dev.rota.daemon.audit.AuditEntry;
import dev.rota.daemon.audit.AuditTrail;
import dev.rota.daemon.loop.EngineLoop;
import dev.rota.daemon.store.HistoryQuery;
import dev.rota.daemon.store.JobHistory;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The job API. Writes go through the engine loop and are answered once durable; reads come from
 * the last published snapshot, or for jobs the engine no longer keeps, from the store's history;
 * they never wait for the engine.
 */
public final class JobEndpoint extends JobServiceGrpc.JobServiceImplBase {
    static final int DEFAULT_HISTORY_LIMIT = 100;
    static final int MAX_HISTORY_LIMIT = 10_000;

    private final EngineLoop loop;
    private final JobHistory history;
    private final AuditTrail audit;
    private final AdminRule admins;
    private final dev.rota.daemon.watch.JobWatch watch;

    /** @param audit where every cancel, hold, release, requeue and update is recorded, before its caller is answered */
    public JobEndpoint(EngineLoop loop, JobHistory history, AuditTrail audit) {
        this(loop, history, audit, System.getProperty("user.name"), null);
    }

    /**
     * @param audit      where every cancel, hold, release, requeue and update is recorded, before its
     *                   caller is answered
     * @param daemonUser the user rotad runs as: an admin besides root
     * @param watch      serves WatchJobs (UNIMPLEMENTED when null)
     */
    public JobEndpoint(EngineLoop loop, JobHistory history, AuditTrail audit, String daemonUser,
            dev.rota.daemon.watch.JobWatch watch) {
        this.loop = loop;
        this.history = history;
        this.audit = audit;
        this.admins = new AdminRule(daemonUser);
        this.watch = watch;
    }

    /** The API job for a core job, with its start estimate from the last published snapshot. */
    public static dev.rota.api.v1.Job withEstimate(Job job, ClusterSnapshot snapshot) {
        return withEstimate(ApiMapping.job(job), snapshot);
    }

    @Override
    public void watchJobs(dev.rota.api.v1.WatchJobsRequest request,
            StreamObserver<dev.rota.api.v1.JobEvent> observer) {
        if (watch == null) {
            super.watchJobs(request, observer);
            return;
        }
        watch.open(request, observer);
    }

    /** A job from the snapshot, else from history. */
    private java.util.Optional<Job> find(JobId id) {
        var live = loop.snapshot().job(id);
        return live.isPresent() ? live : history.finished(id);
    }

    @Override
    public void submitJob(SubmitJobRequest request, StreamObserver<SubmitJobResponse> observer) {
        if (!request.hasSpec()) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("spec is required").asRuntimeException());
            return;
        }
        List<String> problems = SpecValidation.problems(request.getSpec());
        if (!problems.isEmpty()) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription(String.join("; ", problems)).asRuntimeException());
            return;
        }
        var spec = SpecValidation.toCore(request.getSpec(), CallerIdentity.current());
        Replies.answer(loop.submit(at -> new Event.JobSubmitted(at, spec)), observer,
                o -> SubmitJobResponse.newBuilder().setJobId(((Outcome.JobAccepted) o).job().value()).build());
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<CancelJobResponse> call) {
        StreamObserver<CancelJobResponse> observer = Audited.call(audit, AuditEntry.CANCEL,
                Long.toUnsignedString(request.getJobId()), "", call);
        if (request.getJobId() == 0) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("job_id is required").asRuntimeException());
            return;
        }
        JobId id = JobId.of(request.getJobId());
        String user = CallerIdentity.current();
        if (loop.snapshot().job(id).isEmpty()) {
            var old = history.finished(id);
            if (old.isPresent()) {
                // Long finished and out of the engine's memory: cancelling it changes nothing.
                observer.onNext(CancelJobResponse.newBuilder().setState(ApiMapping.state(old.get().state())).build());
                observer.onCompleted();
                return;
            }
        }
        java.util.Optional<dev.rota.core.job.ArrayIndexes> tasks = java.util.Optional.empty();
        if (!request.getArrayTasks().isEmpty()) {
            try {
                tasks = java.util.Optional.of(dev.rota.core.job.ArrayIndexes.parse(request.getArrayTasks()));
            } catch (IllegalArgumentException e) {
                observer.onError(Status.INVALID_ARGUMENT.withDescription("array_tasks '" + request.getArrayTasks()
                        + "': " + e.getMessage()).asRuntimeException());
                return;
            }
        }
        var selection = tasks;
        Replies.answer(loop.submit(at -> new Event.JobCancelRequested(at, id, user, selection)), observer,
                o -> CancelJobResponse.newBuilder().setState(loop.snapshot().job(id)
                        .map(j -> ApiMapping.state(j.state())).orElse(JobState.JOB_STATE_UNSPECIFIED)).build());
    }

    @Override
    public void holdJob(JobControlRequest request, StreamObserver<JobControlResponse> call) {
        control(AuditEntry.HOLD, request.getJobId(), "", call,
                (at, id, user, admin) -> new Event.JobHoldRequested(at, id, user, admin));
    }

    @Override
    public void releaseJob(JobControlRequest request, StreamObserver<JobControlResponse> call) {
        control(AuditEntry.RELEASE, request.getJobId(), "", call,
                (at, id, user, admin) -> new Event.JobReleaseRequested(at, id, user, admin));
    }

    @Override
    public void requeueJob(JobControlRequest request, StreamObserver<JobControlResponse> call) {
        control(AuditEntry.REQUEUE, request.getJobId(), "", call,
                (at, id, user, admin) -> new Event.JobRequeueRequested(at, id, user, admin));
    }

    @Override
    public void updateJob(UpdateJobRequest request, StreamObserver<JobControlResponse> call) {
        java.util.Optional<java.time.Duration> limit = request.hasTimeLimit()
                ? java.util.Optional.of(java.time.Duration.ofSeconds(request.getTimeLimit().getSeconds()))
                : java.util.Optional.empty();
        java.util.Optional<String> name = request.getName().isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(request.getName());
        String detail = (limit.map(l -> "time_limit=" + dev.rota.core.time.SlurmTime.format(l) + " ").orElse("")
                + name.map(n -> "name=" + n).orElse("")).strip();
        if (limit.isEmpty() && name.isEmpty()) {
            Audited.call(audit, AuditEntry.UPDATE, Long.toUnsignedString(request.getJobId()), detail, call)
                    .onError(Status.INVALID_ARGUMENT.withDescription("nothing to change: give a time limit or a name")
                            .asRuntimeException());
            return;
        }
        if (name.isPresent() && (name.get().length() > 256 || name.get().chars().anyMatch(Character::isISOControl))) {
            Audited.call(audit, AuditEntry.UPDATE, Long.toUnsignedString(request.getJobId()), detail, call)
                    .onError(Status.INVALID_ARGUMENT.withDescription("name must be at most 256 characters without "
                            + "control characters").asRuntimeException());
            return;
        }
        control(AuditEntry.UPDATE, request.getJobId(), detail, call,
                (at, id, user, admin) -> new Event.JobUpdateRequested(at, id, user, admin, limit, name));
    }

    /** Builds a control event from the caller and whether they are an admin. */
    private interface ControlEvent {
        Event make(java.time.Instant at, JobId job, String user, boolean admin);
    }

    /** A hold, release, requeue or update: audited, sent through the engine, answered with the job's state. */
    private void control(String action, long jobId, String detail, StreamObserver<JobControlResponse> call,
            ControlEvent event) {
        StreamObserver<JobControlResponse> observer = Audited.call(audit, action, Long.toUnsignedString(jobId),
                detail, call);
        if (jobId == 0) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("job_id is required").asRuntimeException());
            return;
        }
        JobId id = JobId.of(jobId);
        String user = CallerIdentity.current();
        boolean admin = admins.isAdmin(user);
        if (loop.snapshot().job(id).isEmpty() && history.finished(id).isPresent()) {
            observer.onError(Status.FAILED_PRECONDITION.withDescription("job " + id + " has ended")
                    .asRuntimeException());
            return;
        }
        Replies.answer(loop.submit(at -> event.make(at, id, user, admin)), observer,
                o -> JobControlResponse.newBuilder().setState(loop.snapshot().job(id)
                        .map(j -> ApiMapping.state(j.state())).orElse(JobState.JOB_STATE_UNSPECIFIED)).build());
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<GetJobResponse> observer) {
        if (request.getJobId() == 0) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("job_id is required").asRuntimeException());
            return;
        }
        var job = find(JobId.of(request.getJobId()));
        if (job.isEmpty()) {
            observer.onError(Status.NOT_FOUND.withDescription("job " + request.getJobId() + " does not exist")
                    .asRuntimeException());
            return;
        }
        observer.onNext(GetJobResponse.newBuilder().setJob(withEstimate(ApiMapping.job(job.get()), loop.snapshot()))
                .build());
        observer.onCompleted();
    }

    @Override
    public void listHistory(ListHistoryRequest request, StreamObserver<ListHistoryResponse> observer) {
        Set<dev.rota.core.job.JobState> states = EnumSet.noneOf(dev.rota.core.job.JobState.class);
        for (JobState s : request.getStatesList()) {
            var core = ApiMapping.state(s);
            if (core == null || !core.isTerminal()) {
                observer.onError(Status.INVALID_ARGUMENT.withDescription("history holds finished jobs only; "
                        + s + " is not a final state").asRuntimeException());
                return;
            }
            states.add(core);
        }
        if (request.getLimit() > MAX_HISTORY_LIMIT) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("limit must be at most " + MAX_HISTORY_LIMIT)
                    .asRuntimeException());
            return;
        }
        int limit = request.getLimit() == 0 ? DEFAULT_HISTORY_LIMIT : request.getLimit();
        HistoryQuery query = new HistoryQuery(request.getUser(), request.getAccount(), states,
                request.hasEndedAfter() ? instant(request.getEndedAfter()) : null,
                request.hasEndedBefore() ? instant(request.getEndedBefore()) : null, limit);
        ListHistoryResponse.Builder b = ListHistoryResponse.newBuilder();
        for (Job j : history.search(query)) {
            b.addJobs(ApiMapping.job(j));
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }

    private static java.time.Instant instant(com.google.protobuf.Timestamp t) {
        return java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> observer) {
        Set<dev.rota.core.job.JobState> states = EnumSet.noneOf(dev.rota.core.job.JobState.class);
        for (JobState s : request.getStatesList()) {
            var core = ApiMapping.state(s);
            if (core == null) {
                observer.onError(Status.INVALID_ARGUMENT.withDescription("unknown job state " + s).asRuntimeException());
                return;
            }
            states.add(core);
        }
        ClusterSnapshot snapshot = loop.snapshot();
        Set<String> users = new java.util.HashSet<>(request.getUsersList());
        if (!request.getUser().isEmpty()) {
            users.add(request.getUser());
        }
        Set<String> accounts = Set.copyOf(request.getAccountsList());
        Set<String> partitions = Set.copyOf(request.getPartitionsList());
        boolean named = request.getJobIdsCount() > 0;
        Iterable<Job> candidates = named ? request.getJobIdsList().stream().distinct().sorted(Long::compareUnsigned)
                .map(id -> snapshot.job(JobId.of(id))).flatMap(java.util.Optional::stream).toList()
                : snapshot.jobs().values();
        ListJobsResponse.Builder b = ListJobsResponse.newBuilder();
        for (Job j : candidates) {
            if (!states.isEmpty() && !states.contains(j.state())) {
                continue;
            }
            // Named jobs are shown whatever their state, like squeue -j.
            if (states.isEmpty() && !named && !request.getIncludeFinished() && j.state().isTerminal()) {
                continue;
            }
            if (!users.isEmpty() && !users.contains(j.spec().user())) {
                continue;
            }
            if (!accounts.isEmpty() && !accounts.contains(j.spec().account())) {
                continue;
            }
            if (!partitions.isEmpty() && !partitions.contains(j.spec().partition())) {
                continue;
            }
            b.addJobs(withEstimate(ApiMapping.job(j), snapshot));
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }

    /** Adds the backfill plan's start estimate, for a pending job that holds a reservation. */
    private static dev.rota.api.v1.Job withEstimate(dev.rota.api.v1.Job job, ClusterSnapshot snapshot) {
        var start = snapshot.estimatedStart(JobId.of(job.getId()));
        return start.isEmpty() ? job : job.toBuilder().setEstimatedStartTime(com.google.protobuf.Timestamp
                .newBuilder().setSeconds(start.get().getEpochSecond()).setNanos(start.get().getNano())).build();
    }
}
