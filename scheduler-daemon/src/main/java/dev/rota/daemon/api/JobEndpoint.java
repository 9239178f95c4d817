package dev.rota.daemon.api;

import dev.rota.api.v1.CancelJobRequest;
import dev.rota.api.v1.CancelJobResponse;
import dev.rota.api.v1.GetJobRequest;
import dev.rota.api.v1.GetJobResponse;
import dev.rota.api.v1.JobServiceGrpc;
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
import dev.rota.daemon.loop.EngineLoop;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The job API. Writes go through the engine loop and are answered once durable; reads come from
 * the last published snapshot and never wait for the engine.
 */
public final class JobEndpoint extends JobServiceGrpc.JobServiceImplBase {
    private final EngineLoop loop;

    public JobEndpoint(EngineLoop loop) {
        this.loop = loop;
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
    public void cancelJob(CancelJobRequest request, StreamObserver<CancelJobResponse> observer) {
        if (request.getJobId() == 0) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("job_id is required").asRuntimeException());
            return;
        }
        JobId id = JobId.of(request.getJobId());
        String user = CallerIdentity.current();
        Replies.answer(loop.submit(at -> new Event.JobCancelRequested(at, id, user)), observer,
                o -> CancelJobResponse.newBuilder().setState(loop.snapshot().job(id)
                        .map(j -> ApiMapping.state(j.state())).orElse(JobState.JOB_STATE_UNSPECIFIED)).build());
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<GetJobResponse> observer) {
        if (request.getJobId() == 0) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("job_id is required").asRuntimeException());
            return;
        }
        var job = loop.snapshot().job(JobId.of(request.getJobId()));
        if (job.isEmpty()) {
            observer.onError(Status.NOT_FOUND.withDescription("job " + request.getJobId() + " does not exist")
                    .asRuntimeException());
            return;
        }
        observer.onNext(GetJobResponse.newBuilder().setJob(ApiMapping.job(job.get())).build());
        observer.onCompleted();
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
        ListJobsResponse.Builder b = ListJobsResponse.newBuilder();
        for (Job j : snapshot.jobs().values()) {
            if (!states.isEmpty() && !states.contains(j.state())) {
                continue;
            }
            if (states.isEmpty() && !request.getIncludeFinished() && j.state().isTerminal()) {
                continue;
            }
            if (!request.getUser().isEmpty() && !request.getUser().equals(j.spec().user())) {
                continue;
            }
            b.addJobs(ApiMapping.job(j));
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }
}
