package dev.rota.cli;

import dev.rota.api.v1.AdminServiceGrpc;
import dev.rota.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.rota.api.v1.BackupRequest;
import dev.rota.api.v1.BackupResponse;
import dev.rota.api.v1.CancelJobRequest;
import dev.rota.api.v1.DrainNodeRequest;
import dev.rota.api.v1.GetJobRequest;
import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.JobServiceGrpc.JobServiceBlockingStub;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.ListJobsRequest;
import dev.rota.api.v1.ListNodesRequest;
import dev.rota.api.v1.Node;
import dev.rota.api.v1.NodeServiceGrpc;
import dev.rota.api.v1.NodeServiceGrpc.NodeServiceBlockingStub;
import dev.rota.api.v1.ResumeNodeRequest;
import dev.rota.api.v1.SubmitJobRequest;
import dev.rota.cli.channel.DaemonAddress;
import dev.rota.cli.channel.DeadlineInterceptor;
import dev.rota.cli.channel.UserHeaderInterceptor;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code rotad} as the CLI sees it: one blocking method per RPC, each returning the answer or
 * throwing a {@link Failure} whose message a user can act on ("job 42 does not exist", "cannot
 * reach the Rota daemon at ..."). Every call carries the caller's {@code rota-user} header and a
 * {@link #CALL_TIMEOUT} deadline. Owns its channel; {@link #close()} shuts it down. Used from one
 * thread.
 */
final class DaemonClient implements AutoCloseable {
    /** How long one call may take before the CLI gives up. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** How long a backup may take: copying a large store to another file system takes minutes. */
    static final Duration BACKUP_TIMEOUT = Duration.ofMinutes(30);

    private final ManagedChannel channel;
    private final DaemonAddress address;
    private final JobServiceBlockingStub jobs;
    private final NodeServiceBlockingStub nodes;
    private final AdminServiceBlockingStub admin;
    private final dev.rota.api.v1.PolicyServiceGrpc.PolicyServiceBlockingStub policy;
    /** Streams (watch) run as long as they need: no deadline. */
    private final JobServiceBlockingStub streams;
    private final String user;
    /** Where the address came from ("--address", "ROTA_ADDRESS", a config file, "default"), for errors. */
    private final String origin;

    DaemonClient(ManagedChannel channel, DaemonAddress address, String user) {
        this(channel, address, user, "");
    }

    DaemonClient(ManagedChannel channel, DaemonAddress address, String user, String origin) {
        this.channel = channel;
        this.address = address;
        this.user = user;
        this.origin = origin;
        this.streams = JobServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, new UserHeaderInterceptor(user)));
        Channel intercepted = ClientInterceptors.intercept(channel,
                new UserHeaderInterceptor(user), new DeadlineInterceptor(CALL_TIMEOUT));
        this.jobs = JobServiceGrpc.newBlockingStub(intercepted);
        this.nodes = NodeServiceGrpc.newBlockingStub(intercepted);
        this.admin = AdminServiceGrpc.newBlockingStub(intercepted);
        this.policy = dev.rota.api.v1.PolicyServiceGrpc.newBlockingStub(intercepted);
    }

    /** @return the new job's id */
    long submit(JobSpec spec) {
        return call(null, () -> jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getJobId());
    }

    Job job(long id) {
        return call("job " + id, () -> jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build()).getJob());
    }

    /** @return the matching jobs, ordered by id */
    List<Job> jobs(ListJobsRequest request) {
        return call(null, () -> jobs.listJobs(request).getJobsList());
    }

    /** @return finished jobs matching the request, newest first */
    List<Job> history(dev.rota.api.v1.ListHistoryRequest request) {
        return call(null, () -> jobs.listHistory(request).getJobsList());
    }

    /** @return the job's state after the request; a running job stays RUNNING until its processes exit */
    JobState cancel(long id) {
        return call("job " + id, () -> jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(id).build()).getState());
    }

    /** @return the state after cancelling {@code tasks} ("3-5") of array {@code id}; empty tasks: the whole job */
    JobState cancel(long id, String tasks) {
        return call("job " + id, () -> jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(id).setArrayTasks(tasks)
                .build()).getState());
    }

    /** @return the job's state after holding it */
    JobState hold(long id) {
        return call("job " + id, () -> jobs.holdJob(control(id)).getState());
    }

    /** @return the job's state after releasing it */
    JobState release(long id) {
        return call("job " + id, () -> jobs.releaseJob(control(id)).getState());
    }

    /** @return the job's state after the request (RUNNING until its processes exit, then PENDING) */
    JobState requeue(long id) {
        return call("job " + id, () -> jobs.requeueJob(control(id)).getState());
    }

    /** @return the job's state after changing its time limit and/or name */
    JobState update(dev.rota.api.v1.UpdateJobRequest request) {
        return call("job " + request.getJobId(), () -> jobs.updateJob(request).getState());
    }

    private static dev.rota.api.v1.JobControlRequest control(long id) {
        return dev.rota.api.v1.JobControlRequest.newBuilder().setJobId(id).build();
    }

    /** @return every node, ordered by name */
    List<Node> nodes() {
        return call(null, () -> nodes.listNodes(ListNodesRequest.getDefaultInstance()).getNodesList());
    }

    /** @return the node after draining it */
    Node drain(String node, String reason) {
        return call("node " + node, () -> nodes.drainNode(
                DrainNodeRequest.newBuilder().setName(node).setReason(reason).build()).getNode());
    }

    /** @return the node after resuming it */
    Node resume(String node) {
        return call("node " + node, () -> nodes.resumeNode(ResumeNodeRequest.newBuilder().setName(node).build()).getNode());
    }

    /**
     * Has the daemon write a backup of its store to {@code directory}, an absolute path on its host.
     * Waits up to {@link #BACKUP_TIMEOUT}.
     */
    BackupResponse backup(String directory) {
        return call(null, BACKUP_TIMEOUT, () -> admin.withDeadlineAfter(BACKUP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)
                .backup(BackupRequest.newBuilder().setDirectory(directory).build()));
    }

    /** @return the audit entries {@code request} selects, oldest first (admins only) */
    List<dev.rota.api.v1.AuditEntry> audit(dev.rota.api.v1.ListAuditRequest request) {
        return call(null, () -> admin.listAudit(request).getEntriesList());
    }

    /** @return pending jobs' priorities as the last full cycle judged them, highest first */
    dev.rota.api.v1.ListPrioritiesResponse priorities(dev.rota.api.v1.ListPrioritiesRequest request) {
        return call(null, () -> policy.listPriorities(request));
    }

    /** @return why the job waits and what would let it start sooner */
    dev.rota.api.v1.ExplainJobResponse explain(long id) {
        return call("job " + id, () -> policy.explainJob(dev.rota.api.v1.ExplainJobRequest.newBuilder().setJobId(id)
                .build()));
    }

    /** @return the fair-share tree in display order */
    dev.rota.api.v1.GetFairShareResponse fairShare() {
        return call(null, () -> policy.getFairShare(dev.rota.api.v1.GetFairShareRequest.getDefaultInstance()));
    }

    /**
     * Streams job changes to {@code each} until the stream ends (every named job ended) or
     * {@code each} returns false.
     */
    void watch(dev.rota.api.v1.WatchJobsRequest request, java.util.function.Predicate<dev.rota.api.v1.JobEvent> each) {
        call(request.getJobIdsCount() == 1 ? "job " + Long.toUnsignedString(request.getJobIds(0)) : null,
                Duration.ZERO, () -> {
                    var events = streams.watchJobs(request);
                    while (events.hasNext()) {
                        if (!each.test(events.next())) {
                            break;
                        }
                    }
                    return null;
                });
    }

    /** @return the cluster's one-screen summary */
    dev.rota.api.v1.ClusterSummary clusterSummary() {
        return call(null, () -> nodes.getClusterSummary(dev.rota.api.v1.GetClusterSummaryRequest.getDefaultInstance()));
    }

    /**
     * Reads job output from the agent at {@code agent} (a node's StepService), chunk by chunk,
     * without a deadline (following lasts as long as the job).
     */
    void readOutput(ManagedChannel agentChannel, String node, dev.rota.agent.v1.ReadOutputRequest request,
            java.util.function.Consumer<dev.rota.agent.v1.OutputChunk> each) {
        var stub = dev.rota.agent.v1.StepServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(agentChannel, new UserHeaderInterceptor(user)));
        try {
            var chunks = stub.readOutput(request);
            while (chunks.hasNext()) {
                each.accept(chunks.next());
            }
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            if (status.getCode() == Status.Code.UNAVAILABLE) {
                throw new Failure("cannot reach the agent of node " + node + " (" + unavailableReason(status)
                        + "); rota logs reads output from the node that runs the job");
            }
            throw new Failure("node " + node + ": " + orCode(status.getDescription(), status));
        }
    }

    /** Shuts the channel down, waiting briefly for it to terminate. */
    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs one RPC, turning its failure into a {@link Failure}.
     *
     * @param subject what NOT_FOUND would be about ("job 42"), or null when NOT_FOUND is not expected
     */
    private <T> T call(String subject, Supplier<T> rpc) {
        return call(subject, CALL_TIMEOUT, rpc);
    }

    /** As {@link #call(String, Supplier)}, for an RPC given {@code timeout} instead of {@link #CALL_TIMEOUT}. */
    private <T> T call(String subject, Duration timeout, Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            throw new Failure(describe(e.getStatus(), subject, timeout), code == Status.Code.UNAVAILABLE
                    || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.UNIMPLEMENTED);
        }
    }

    private String describe(Status status, String subject, Duration timeout) {
        String detail = status.getDescription();
        return switch (status.getCode()) {
            case NOT_FOUND -> subject != null ? subject + " does not exist" : orCode(detail, status);
            case UNAVAILABLE -> "cannot reach the Rota daemon at " + address + " (" + unavailableReason(status)
                    + (origin.isEmpty() ? "" : "; address from " + origin)
                    + "). Is rotad running? Set --address, ROTA_ADDRESS or the config file (rota config shows which is used).";
            case DEADLINE_EXCEEDED -> "the Rota daemon at " + address + " did not answer within "
                    + timeout.toSeconds() + " s";
            case RESOURCE_EXHAUSTED -> orCode(detail, status);
            case PERMISSION_DENIED -> orCode(detail, status); // the daemon names the role it wants
            case UNIMPLEMENTED -> "the Rota daemon at " + address
                    + " does not support this request (is it older than this rota?)";
            // The daemon words these for users: show them as they are.
            case INVALID_ARGUMENT, FAILED_PRECONDITION, UNAUTHENTICATED, ALREADY_EXISTS,
                    OUT_OF_RANGE, ABORTED -> orCode(detail, status);
            case OK, CANCELLED, UNKNOWN, INTERNAL, DATA_LOSS -> "the Rota daemon failed: " + status.getCode()
                    + (detail == null ? "" : ": " + detail);
        };
    }

    private static String orCode(String detail, Status status) {
        return detail != null && !detail.isBlank() ? detail
                : status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The socket-level cause in a few words ("connection refused"), else what gRPC said. */
    private static String unavailableReason(Status status) {
        for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException) {
                return "unknown host";
            }
            if (cause instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (cause instanceof ConnectException) {
                String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
                return message.contains("refused") ? "connection refused" : "cannot connect";
            }
        }
        String detail = status.getDescription();
        return detail == null || detail.isBlank() ? "unavailable" : detail;
    }
}
