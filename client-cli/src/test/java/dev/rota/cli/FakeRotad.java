package dev.rota.cli;

import com.google.protobuf.Timestamp;
import dev.rota.api.v1.AdminServiceGrpc;
import dev.rota.api.v1.BackupRequest;
import dev.rota.api.v1.BackupResponse;
import dev.rota.api.v1.CancelJobRequest;
import dev.rota.api.v1.CancelJobResponse;
import dev.rota.api.v1.DrainNodeRequest;
import dev.rota.api.v1.DrainNodeResponse;
import dev.rota.api.v1.GetJobRequest;
import dev.rota.api.v1.GetJobResponse;
import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.ListJobsRequest;
import dev.rota.api.v1.ListJobsResponse;
import dev.rota.api.v1.ListNodesRequest;
import dev.rota.api.v1.ListNodesResponse;
import dev.rota.api.v1.Node;
import dev.rota.api.v1.NodeServiceGrpc;
import dev.rota.api.v1.NodeState;
import dev.rota.api.v1.ResumeNodeRequest;
import dev.rota.api.v1.ResumeNodeResponse;
import dev.rota.api.v1.SubmitJobRequest;
import dev.rota.api.v1.SubmitJobResponse;
import dev.rota.cli.channel.ChannelFactory;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small in-memory {@code rotad} behind the in-process gRPC transport: a fake, not a mock. It
 * keeps jobs and nodes as the API describes them, records every request and every caller's
 * {@code rota-user} header, and runs {@code rota} against itself with captured output.
 */
final class FakeRotad implements AutoCloseable {
    /** "Now" for every CLI run: TIME and RunTime are measured to it. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    /** alice, in /home/alice/exp, with a small environment and empty stdin. */
    static final Caller ALICE = new Caller("alice",
            Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/alice", "WANDB_PROJECT", "llm"),
            Path.of("/home/alice/exp"), new ByteArrayInputStream(new byte[0]));

    private static final Metadata.Key<String> ROTA_USER =
            Metadata.Key.of("rota-user", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> CALLER = Context.key("caller");

    final SortedMap<Long, Job> jobs = new TreeMap<>();
    final SortedMap<String, Node> nodes = new TreeMap<>();
    /** The rota-user header of every call, in order; "(none)" when it was missing. */
    final List<String> callers = new CopyOnWriteArrayList<>();
    final List<JobSpec> submitted = new CopyOnWriteArrayList<>();
    final List<ListJobsRequest> listings = new CopyOnWriteArrayList<>();
    final List<dev.rota.api.v1.ListHistoryRequest> historyQueries = new CopyOnWriteArrayList<>();
    final List<Long> cancelled = new CopyOnWriteArrayList<>();
    /** The array tasks of each cancel ("" for a whole job), in the order of {@link #cancelled}. */
    final List<String> cancelledTasks = new CopyOnWriteArrayList<>();
    /** "hold 12", "release 12", "requeue 12", "update 12 time=300 name=x": each control request. */
    final List<String> controls = new CopyOnWriteArrayList<>();
    final List<DrainNodeRequest> drains = new CopyOnWriteArrayList<>();
    /** When set, SubmitJob fails with it instead of accepting the job. */
    volatile Status submitRejection;
    final List<BackupRequest> backups = new CopyOnWriteArrayList<>();
    /** What ListAudit answers with; the requests it got. */
    final List<dev.rota.api.v1.AuditEntry> auditEntries = new CopyOnWriteArrayList<>();
    final List<dev.rota.api.v1.ListAuditRequest> auditRequests = new CopyOnWriteArrayList<>();
    /** What WatchJobs streams (then it completes), and the requests it got. */
    final List<dev.rota.api.v1.JobEvent> watchEvents = new CopyOnWriteArrayList<>();
    final List<dev.rota.api.v1.WatchJobsRequest> watches = new CopyOnWriteArrayList<>();
    /** What GetClusterSummary answers. */
    volatile dev.rota.api.v1.ClusterSummary summary = dev.rota.api.v1.ClusterSummary.getDefaultInstance();
    /** When set, Backup fails with it instead of reporting a backup. */
    volatile Status backupRejection;
    /** The size every backup reports: 3.5 MiB. */
    static final long BACKUP_SIZE_BYTES = 3_670_016;

    private final String name = "rotad-" + System.nanoTime();
    private final Server server;
    private long nextJobId = 1;

    FakeRotad() {
        ServerInterceptor identity = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                String user = headers.get(ROTA_USER);
                callers.add(user == null ? "(none)" : user);
                return Contexts.interceptCall(Context.current().withValue(CALLER, user), call, headers, next);
            }
        };
        try {
            server = InProcessServerBuilder.forName(name).directExecutor()
                    .addService(ServerInterceptors.intercept(new Jobs(), identity))
                    .addService(ServerInterceptors.intercept(new Nodes(), identity))
                    .addService(ServerInterceptors.intercept(new Admin(), identity))
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How rota reaches this daemon. */
    ChannelFactory channels() {
        return address -> InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    /** What one rota invocation did. */
    record Result(int exitCode, String out, String err) {}

    /** Runs {@code rota ARGS} as {@link #ALICE}. */
    Result rota(String... args) {
        return rota(ALICE, args);
    }

    Result rota(Caller caller, String... args) {
        return run(new RotaCli(channels(), caller, CLOCK), args);
    }

    static Result run(RotaCli cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = cli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    synchronized FakeRotad with(Job job) {
        jobs.put(job.getId(), job);
        nextJobId = Math.max(nextJobId, job.getId() + 1);
        return this;
    }

    synchronized FakeRotad with(Node node) {
        nodes.put(node.getName(), node);
        return this;
    }

    static Timestamp at(String iso) {
        Instant instant = Instant.parse(iso);
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    private static boolean finished(JobState state) {
        return state != JobState.JOB_STATE_PENDING && state != JobState.JOB_STATE_RUNNING;
    }

    private final class Jobs extends JobServiceGrpc.JobServiceImplBase {
        @Override
        public void watchJobs(dev.rota.api.v1.WatchJobsRequest request,
                StreamObserver<dev.rota.api.v1.JobEvent> response) {
            watches.add(request);
            for (long id : request.getJobIdsList()) {
                if (!jobs.containsKey(id)) {
                    response.onError(Status.NOT_FOUND.withDescription("job " + id + " does not exist").asRuntimeException());
                    return;
                }
            }
            watchEvents.forEach(response::onNext);
            response.onCompleted();
        }

        @Override
        public void submitJob(SubmitJobRequest request, StreamObserver<SubmitJobResponse> response) {
            submitted.add(request.getSpec());
            Status rejection = submitRejection;
            if (rejection != null) {
                response.onError(rejection.asRuntimeException());
                return;
            }
            long id;
            synchronized (FakeRotad.this) {
                id = nextJobId++;
                jobs.put(id, Job.newBuilder().setId(id).setSpec(request.getSpec()).setUser(CALLER.get())
                        .setState(JobState.JOB_STATE_PENDING).setSubmitTime(at("2026-11-23T12:00:00Z")).build());
            }
            response.onNext(SubmitJobResponse.newBuilder().setJobId(id).build());
            response.onCompleted();
        }

        @Override
        public void holdJob(dev.rota.api.v1.JobControlRequest request,
                StreamObserver<dev.rota.api.v1.JobControlResponse> response) {
            control("hold " + request.getJobId(), request.getJobId(), response);
        }

        @Override
        public void releaseJob(dev.rota.api.v1.JobControlRequest request,
                StreamObserver<dev.rota.api.v1.JobControlResponse> response) {
            control("release " + request.getJobId(), request.getJobId(), response);
        }

        @Override
        public void requeueJob(dev.rota.api.v1.JobControlRequest request,
                StreamObserver<dev.rota.api.v1.JobControlResponse> response) {
            control("requeue " + request.getJobId(), request.getJobId(), response);
        }

        @Override
        public void updateJob(dev.rota.api.v1.UpdateJobRequest request,
                StreamObserver<dev.rota.api.v1.JobControlResponse> response) {
            control("update " + request.getJobId() + (request.hasTimeLimit() ? " time=" + request.getTimeLimit()
                    .getSeconds() : "") + (request.getName().isEmpty() ? "" : " name=" + request.getName()),
                    request.getJobId(), response);
        }

        private void control(String what, long id, StreamObserver<dev.rota.api.v1.JobControlResponse> response) {
            controls.add(what);
            Job job;
            synchronized (FakeRotad.this) {
                job = jobs.get(id);
            }
            if (job == null) {
                response.onError(Status.NOT_FOUND.withDescription("no job " + id).asRuntimeException());
                return;
            }
            response.onNext(dev.rota.api.v1.JobControlResponse.newBuilder().setState(job.getState()).build());
            response.onCompleted();
        }

        @Override
        public void cancelJob(CancelJobRequest request, StreamObserver<CancelJobResponse> response) {
            cancelled.add(request.getJobId());
            cancelledTasks.add(request.getArrayTasks());
            JobState after;
            synchronized (FakeRotad.this) {
                Job job = jobs.get(request.getJobId());
                if (job == null) {
                    response.onError(Status.NOT_FOUND.withDescription("no job " + request.getJobId()).asRuntimeException());
                    return;
                }
                // Pending jobs end at once; running ones stay RUNNING until their processes exit.
                after = job.getState() == JobState.JOB_STATE_PENDING ? JobState.JOB_STATE_CANCELLED : job.getState();
                jobs.put(job.getId(), job.toBuilder().setState(after).build());
            }
            response.onNext(CancelJobResponse.newBuilder().setState(after).build());
            response.onCompleted();
        }

        @Override
        public void getJob(GetJobRequest request, StreamObserver<GetJobResponse> response) {
            Job job;
            synchronized (FakeRotad.this) {
                job = jobs.get(request.getJobId());
            }
            if (job == null) {
                response.onError(Status.NOT_FOUND.withDescription("no job " + request.getJobId()).asRuntimeException());
                return;
            }
            response.onNext(GetJobResponse.newBuilder().setJob(job).build());
            response.onCompleted();
        }

        @Override
        public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
            listings.add(request);
            List<Job> matching;
            synchronized (FakeRotad.this) {
                boolean named = request.getJobIdsCount() > 0;
                matching = jobs.values().stream()
                        .filter(job -> !named || request.getJobIdsList().contains(job.getId()))
                        .filter(job -> named || request.getIncludeFinished() || !request.getStatesList().isEmpty()
                                || !finished(job.getState()))
                        .filter(job -> request.getStatesList().isEmpty() || request.getStatesList().contains(job.getState()))
                        .filter(job -> request.getUser().isEmpty() && request.getUsersList().isEmpty()
                                || request.getUser().equals(job.getUser()) || request.getUsersList().contains(job.getUser()))
                        .filter(job -> request.getAccountsList().isEmpty() || request.getAccountsList().contains(job.getAccount()))
                        .filter(job -> request.getPartitionsList().isEmpty()
                                || request.getPartitionsList().contains(job.getPartition()))
                        .toList();
            }
            response.onNext(ListJobsResponse.newBuilder().addAllJobs(matching).build());
            response.onCompleted();
        }

        @Override
        public void listHistory(dev.rota.api.v1.ListHistoryRequest request,
                StreamObserver<dev.rota.api.v1.ListHistoryResponse> response) {
            historyQueries.add(request);
            List<Job> matching;
            synchronized (FakeRotad.this) {
                matching = jobs.values().stream().filter(job -> finished(job.getState()))
                        .filter(job -> request.getUser().isEmpty() || request.getUser().equals(job.getUser()))
                        .sorted(java.util.Comparator.comparing((Job j) -> j.getEndTime().getSeconds()).reversed())
                        .toList();
            }
            response.onNext(dev.rota.api.v1.ListHistoryResponse.newBuilder().addAllJobs(matching).build());
            response.onCompleted();
        }
    }

    private final class Nodes extends NodeServiceGrpc.NodeServiceImplBase {
        @Override
        public void getClusterSummary(dev.rota.api.v1.GetClusterSummaryRequest request,
                StreamObserver<dev.rota.api.v1.ClusterSummary> response) {
            response.onNext(summary);
            response.onCompleted();
        }

        @Override
        public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> response) {
            List<Node> all;
            synchronized (FakeRotad.this) {
                all = List.copyOf(nodes.values());
            }
            response.onNext(ListNodesResponse.newBuilder().addAllNodes(all).build());
            response.onCompleted();
        }

        @Override
        public void drainNode(DrainNodeRequest request, StreamObserver<DrainNodeResponse> response) {
            drains.add(request);
            Node drained;
            synchronized (FakeRotad.this) {
                Node node = nodes.get(request.getName());
                if (node == null) {
                    response.onError(Status.NOT_FOUND.withDescription("no node " + request.getName()).asRuntimeException());
                    return;
                }
                drained = node.toBuilder()
                        .setState(node.getRunningJobIdsCount() > 0 ? NodeState.NODE_STATE_DRAINING : NodeState.NODE_STATE_DRAINED)
                        .setReason(request.getReason()).setDrainedBy(CALLER.get()).setDrainedAt(at("2026-11-23T12:00:00Z"))
                        .build();
                nodes.put(drained.getName(), drained);
            }
            response.onNext(DrainNodeResponse.newBuilder().setNode(drained).build());
            response.onCompleted();
        }

        @Override
        public void resumeNode(ResumeNodeRequest request, StreamObserver<ResumeNodeResponse> response) {
            Node resumed;
            synchronized (FakeRotad.this) {
                Node node = nodes.get(request.getName());
                if (node == null) {
                    response.onError(Status.NOT_FOUND.withDescription("no node " + request.getName()).asRuntimeException());
                    return;
                }
                resumed = node.toBuilder()
                        .setState(node.getRunningJobIdsCount() > 0 ? NodeState.NODE_STATE_MIXED : NodeState.NODE_STATE_IDLE)
                        .clearReason().clearDrainedBy().clearDrainedAt().build();
                nodes.put(resumed.getName(), resumed);
            }
            response.onNext(ResumeNodeResponse.newBuilder().setNode(resumed).build());
            response.onCompleted();
        }
    }

    /** Backs up nothing: answers with the directory asked for, the jobs it holds and {@link #CLOCK}'s time. */
    private final class Admin extends AdminServiceGrpc.AdminServiceImplBase {
        @Override
        public void listAudit(dev.rota.api.v1.ListAuditRequest request,
                StreamObserver<dev.rota.api.v1.ListAuditResponse> response) {
            auditRequests.add(request);
            response.onNext(dev.rota.api.v1.ListAuditResponse.newBuilder().addAllEntries(auditEntries).build());
            response.onCompleted();
        }

        @Override
        public void backup(BackupRequest request, StreamObserver<BackupResponse> response) {
            backups.add(request);
            Status rejection = backupRejection;
            if (rejection != null) {
                response.onError(rejection.asRuntimeException());
                return;
            }
            int count;
            synchronized (FakeRotad.this) {
                count = jobs.size();
            }
            response.onNext(BackupResponse.newBuilder().setDirectory(request.getDirectory())
                    .setSizeBytes(BACKUP_SIZE_BYTES).setJobs(count).setTakenAt(at(CLOCK.instant().toString())).build());
            response.onCompleted();
        }
    }
}
