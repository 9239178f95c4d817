package dev.rota.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AgentServiceGrpc;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.GpuInfo;
import dev.rota.agent.v1.Register;
import dev.rota.api.v1.CancelJobRequest;
import dev.rota.api.v1.DrainNodeRequest;
import dev.rota.api.v1.GetJobRequest;
import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.JobControlRequest;
import dev.rota.api.v1.UpdateJobRequest;
import dev.rota.api.v1.ListJobsRequest;
import dev.rota.api.v1.ListNodesRequest;
import dev.rota.api.v1.NodeServiceGrpc;
import dev.rota.api.v1.NodeState;
import dev.rota.api.v1.SubmitJobRequest;
import dev.rota.core.engine.EngineConfig;
import dev.rota.daemon.api.CallerIdentity;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real daemon (RocksDB, Netty gRPC on loopback) driven by a client and a scripted agent. */
class DaemonApiTest {
    @TempDir
    Path dir;
    private Daemon daemon;
    private ManagedChannel channel;

    private EngineConfig engineConfig = EngineConfig.defaults();

    private Daemon start() {
        daemon = Daemon.start(new Daemon.Config(dir, HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"),
                engineConfig));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", daemon.grpcAddress().getPort()).usePlaintext().build();
        return daemon;
    }

    private void restart() {
        channel.shutdownNow();
        daemon.close();
        start();
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    private JobServiceGrpc.JobServiceBlockingStub jobs(String user) {
        Metadata h = new Metadata();
        h.put(CallerIdentity.USER_HEADER, user);
        return JobServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private NodeServiceGrpc.NodeServiceBlockingStub nodes() {
        Metadata h = new Metadata();
        h.put(CallerIdentity.USER_HEADER, "admin");
        return NodeServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static JobSpec spec(int nodes, int gpus) {
        return JobSpec.newBuilder().setName("train").setNodes(nodes).setGpusPerNode(gpus)
                .setTimeLimit(Duration.newBuilder().setSeconds(600)).setScript("#!/bin/bash\nsrun hostname\n")
                .setWorkingDir("/tmp").build();
    }

    /** A scripted agent on the real AgentService stream. */
    private final class ScriptedAgent implements AutoCloseable {
        final BlockingQueue<DaemonMessage> received = new LinkedBlockingQueue<>();
        final StreamObserver<AgentMessage> out;

        ScriptedAgent(String name, int gpus) {
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
            Register.Builder r = Register.newBuilder().setNodeName(name).setAddress("127.0.0.1:9" + name.length());
            for (int i = 0; i < gpus; i++) {
                r.addGpus(GpuInfo.newBuilder().setIndex(i).setUuid("GPU-" + name + i).setModel("H100"));
            }
            out.onNext(AgentMessage.newBuilder().setRegister(r).build());
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

    private void awaitNodes(int connected) throws InterruptedException {
        assertThat(daemon.await(s -> s.nodes().stream().filter(n -> n.connected()).count() == connected,
                java.time.Duration.ofSeconds(10))).isPresent();
    }

    @Test
    void a_job_runs_on_a_registered_agent_and_completes_with_its_exit_code() throws Exception {
        start();
        try (ScriptedAgent agent = new ScriptedAgent("node-1", 8)) {
            agent.next(DaemonMessage.KindCase.REGISTERED);
            awaitNodes(1);
            long id = jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 4)).build()).getJobId();

            DaemonMessage launch = agent.next(DaemonMessage.KindCase.LAUNCH);
            assertThat(launch.getLaunch().getAllocation().getJobId()).isEqualTo(id);
            assertThat(launch.getLaunch().getBatchHost()).isTrue();
            assertThat(launch.getLaunch().getNodes(0).getGpuIndicesList()).containsExactly(0, 1, 2, 3);
            assertThat(launch.getLaunch().getUser()).isEqualTo("alice");
            assertThat(jobs("alice").getJob(GetJobRequest.newBuilder().setJobId(id).build()).getJob().getState())
                    .isEqualTo(JobState.JOB_STATE_RUNNING);

            agent.out.onNext(AgentMessage.newBuilder().setAllocationEnded(AllocationEnded.newBuilder()
                    .setAllocation(launch.getLaunch().getAllocation()).setExitCode(0)).build());
            agent.next(DaemonMessage.KindCase.KILL);
            Job done = jobs("alice").getJob(GetJobRequest.newBuilder().setJobId(id).build()).getJob();
            assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
            assertThat(done.getExitCode()).isZero();
            assertThat(done.getNodelist()).isEqualTo("node-1");
        }
    }

    @Test
    void holds_releases_updates_and_array_cancels_go_through_the_engine_and_survive_a_restart() throws Exception {
        start();
        long held;
        long array;
        try (ScriptedAgent agent = new ScriptedAgent("node-1", 1)) {
            agent.next(DaemonMessage.KindCase.REGISTERED);
            awaitNodes(1);
            held = jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 1).toBuilder().setHold(true))
                    .build()).getJobId();
            array = jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 1).toBuilder()
                    .setArray("1-6").setArrayThrottle(2)).build()).getJobId();
            var first = agent.next(DaemonMessage.KindCase.LAUNCH).getLaunch();
            assertThat(first.getEnvironmentMap()).containsEntry("SLURM_ARRAY_JOB_ID", Long.toString(array))
                    .containsEntry("SLURM_ARRAY_TASK_ID", "1").containsEntry("SLURM_ARRAY_TASK_COUNT", "6")
                    .containsEntry("SLURM_ARRAY_TASK_MIN", "1").containsEntry("SLURM_ARRAY_TASK_MAX", "6");
            assertThat(jobs("alice").getJob(GetJobRequest.newBuilder().setJobId(held).build()).getJob().getReason())
                    .isEqualTo("JobHeldUser");
            var refused = org.assertj.core.api.Assertions.catchThrowableOfType(io.grpc.StatusRuntimeException.class,
                    () -> jobs("bob").releaseJob(JobControlRequest.newBuilder().setJobId(held).build()));
            assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
            var longer = org.assertj.core.api.Assertions.catchThrowableOfType(io.grpc.StatusRuntimeException.class,
                    () -> jobs("alice").updateJob(UpdateJobRequest.newBuilder().setJobId(held)
                            .setTimeLimit(Duration.newBuilder().setSeconds(7200)).build()));
            assertThat(longer.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
            jobs("alice").updateJob(UpdateJobRequest.newBuilder().setJobId(held).setName("renamed")
                    .setTimeLimit(Duration.newBuilder().setSeconds(300)).build());
            jobs("alice").cancelJob(CancelJobRequest.newBuilder().setJobId(array).setArrayTasks("3-4").build());
        }
        restart();
        Job h = jobs("alice").getJob(GetJobRequest.newBuilder().setJobId(held).build()).getJob();
        assertThat(h.getReason()).isEqualTo("JobHeldUser");
        assertThat(h.getSpec().getName()).isEqualTo("renamed");
        assertThat(h.getSpec().getTimeLimit().getSeconds()).isEqualTo(300);
        var listed = jobs("alice").listJobs(ListJobsRequest.newBuilder().setIncludeFinished(true).build());
        assertThat(listed.getJobsList()).extracting(Job::getDisplayId).contains(array + "_1", array + "_[2,5-6%2]");
        jobs("alice").releaseJob(JobControlRequest.newBuilder().setJobId(held).build());
        assertThat(jobs("alice").getJob(GetJobRequest.newBuilder().setJobId(held).build()).getJob().getReason())
                .isNotEqualTo("JobHeldUser");
    }

    @Test
    void acknowledged_jobs_and_drains_survive_a_restart_and_ids_are_not_reused() throws Exception {
        start();
        long first;
        try (ScriptedAgent agent = new ScriptedAgent("node-1", 8)) {
            agent.next(DaemonMessage.KindCase.REGISTERED);
            awaitNodes(1);
            first = jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 8)).build()).getJobId();
            long second = jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 8)).build())
                    .getJobId();
            jobs("alice").cancelJob(CancelJobRequest.newBuilder().setJobId(second).build());
            nodes().drainNode(DrainNodeRequest.newBuilder().setName("node-1").setReason("maintenance").build());
        }
        restart();
        var listed = jobs("alice").listJobs(ListJobsRequest.newBuilder().setIncludeFinished(true).build());
        assertThat(listed.getJobsList()).extracting(Job::getId).containsExactly(first, first + 1);
        assertThat(listed.getJobs(1).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        var node = nodes().listNodes(ListNodesRequest.getDefaultInstance()).getNodes(0);
        assertThat(node.getState()).as("holds a running job: given time to come back")
                .isEqualTo(NodeState.NODE_STATE_NOT_RESPONDING);
        assertThat(node.getReason()).isEqualTo("maintenance");
        assertThat(node.getDrainedBy()).isEqualTo("admin");

        try (ScriptedAgent agent = new ScriptedAgent("node-1", 8)) {
            agent.next(DaemonMessage.KindCase.REGISTERED);
            awaitNodes(1);
            long third = jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 1)).build())
                    .getJobId();
            assertThat(third).isEqualTo(first + 2);
        }
    }

    @Test
    void cancels_drains_and_resumes_are_audited_with_caller_peer_and_outcome_and_survive_a_restart()
            throws Exception {
        start();
        long id;
        try (ScriptedAgent agent = new ScriptedAgent("node-1", 8)) {
            agent.next(DaemonMessage.KindCase.REGISTERED);
            awaitNodes(1);
            id = jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 8)).build()).getJobId();
            assertThatThrownBy(() -> jobs("bob").cancelJob(CancelJobRequest.newBuilder().setJobId(id).build()))
                    .isInstanceOf(StatusRuntimeException.class);
            jobs("alice").cancelJob(CancelJobRequest.newBuilder().setJobId(id).build());
            assertThatThrownBy(() -> jobs("alice").cancelJob(CancelJobRequest.newBuilder().setJobId(999).build()))
                    .isInstanceOf(StatusRuntimeException.class);
            nodes().drainNode(DrainNodeRequest.newBuilder().setName("node-1").setReason("bad \"fan\"").build());
            nodes().resumeNode(dev.rota.api.v1.ResumeNodeRequest.newBuilder().setName("node-1").build());
        }
        restart();

        var entries = admin("root").listAudit(dev.rota.api.v1.ListAuditRequest.getDefaultInstance()).getEntriesList();

        assertThat(entries).extracting(e -> e.getUser() + " " + e.getAction() + " " + e.getTarget() + " "
                + e.getDetail() + " -> " + e.getOutcome()).containsExactly(
                        "bob cancel " + id + "  -> PERMISSION_DENIED",
                        "alice cancel " + id + "  -> OK",
                        "alice cancel 999  -> NOT_FOUND",
                        "admin drain node-1 bad \"fan\" -> OK",
                        "admin resume node-1  -> OK");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.getPeer()).matches("127\\.0\\.0\\.1:[0-9]+");
            assertThat(e.getTime().getSeconds()).isCloseTo(java.time.Instant.now().getEpochSecond(),
                    org.assertj.core.data.Offset.offset(60L));
        });
        assertThat(entries.get(0).getOutcomeMessage()).isNotEmpty();
        assertThat(entries.get(1).getOutcomeMessage()).isEmpty();
        assertThat(admin("root").listAudit(dev.rota.api.v1.ListAuditRequest.newBuilder().setUser("alice").setLimit(1)
                .build()).getEntriesList()).extracting(e -> e.getTarget()).containsExactly("999");
    }

    private dev.rota.api.v1.AdminServiceGrpc.AdminServiceBlockingStub admin(String user) {
        Metadata h = new Metadata();
        h.put(CallerIdentity.USER_HEADER, user);
        return dev.rota.api.v1.AdminServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Test
    void finished_jobs_the_engine_forgot_are_still_served_from_history() throws Exception {
        engineConfig = EngineConfig.defaults().withFinishedInMemory(1);
        start();
        try (ScriptedAgent agent = new ScriptedAgent("node-1", 8)) {
            agent.next(DaemonMessage.KindCase.REGISTERED);
            awaitNodes(1);
            long[] ids = new long[3];
            for (int i = 0; i < 3; i++) {
                ids[i] = jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 1)).build()).getJobId();
                DaemonMessage launch = agent.next(DaemonMessage.KindCase.LAUNCH);
                agent.out.onNext(AgentMessage.newBuilder().setAllocationEnded(AllocationEnded.newBuilder()
                        .setAllocation(launch.getLaunch().getAllocation()).setExitCode(i)).build());
                agent.next(DaemonMessage.KindCase.KILL);
            }
            var inMemory = jobs("alice").listJobs(ListJobsRequest.newBuilder().setIncludeFinished(true).build());
            assertThat(inMemory.getJobsList()).extracting(Job::getId).containsExactly(ids[2]);

            Job forgotten = jobs("alice").getJob(GetJobRequest.newBuilder().setJobId(ids[0]).build()).getJob();
            assertThat(forgotten.getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
            assertThat(forgotten.getNodelist()).isEqualTo("node-1");
            assertThat(jobs("alice").cancelJob(CancelJobRequest.newBuilder().setJobId(ids[0]).build()).getState())
                    .isEqualTo(JobState.JOB_STATE_COMPLETED);

            var history = jobs("alice").listHistory(dev.rota.api.v1.ListHistoryRequest.newBuilder()
                    .addStates(JobState.JOB_STATE_FAILED).build());
            assertThat(history.getJobsList()).extracting(Job::getId).containsExactly(ids[2], ids[1]);
            assertThat(history.getJobs(0).getExitCode()).isEqualTo(2);
            assertThatThrownBy(() -> jobs("alice").listHistory(dev.rota.api.v1.ListHistoryRequest.newBuilder()
                    .addStates(JobState.JOB_STATE_RUNNING).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        }
    }

    @Test
    void bad_requests_get_precise_statuses() {
        start();
        new ScriptedAgent("node-1", 8);
        assertThatThrownBy(() -> jobs("alice").submitJob(SubmitJobRequest.newBuilder()
                .setSpec(spec(1, 1).toBuilder().setWorkingDir("relative").setScript("")).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("spec.script is empty")
                            .contains("spec.working_dir must be an absolute path");
                });
        assertThatThrownBy(() -> jobs("alice").getJob(GetJobRequest.newBuilder().setJobId(404).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).isEqualTo("job 404 does not exist");
                });
        assertThatThrownBy(() -> nodes().drainNode(DrainNodeRequest.newBuilder().setName("node-1").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> JobServiceGrpc.newBlockingStub(channel).getJob(GetJobRequest.newBuilder()
                .setJobId(1).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void a_job_that_can_never_fit_is_rejected_at_submit() throws Exception {
        start();
        try (ScriptedAgent agent = new ScriptedAgent("node-1", 8)) {
            agent.next(DaemonMessage.KindCase.REGISTERED);
            awaitNodes(1);
            assertThatThrownBy(() -> jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 16))
                    .build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                        assertThat(e.getStatus().getDescription()).contains("16 GPUs per node");
                    });
        }
    }

    @Test
    void metrics_and_health_are_served_over_http() throws Exception {
        start();
        assertThatThrownBy(() -> jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 16)).build()))
                .isInstanceOf(StatusRuntimeException.class);
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + daemon.metricsAddress().getPort();
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# HELP rota_jobs ")
                .contains("rota_jobs{partition=\"main\",state=\"pending\"} 0.0")
                .contains("rota_store_commit_seconds")
                .contains("rota_job_submissions_total{outcome=\"rejected\"} 1.0")
                .contains("rota_grpc_server_handled_total{code=\"FAILED_PRECONDITION\","
                        + "method=\"rota.api.v1.JobService/SubmitJob\"} 1.0");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void priorities_and_the_share_tree_are_served_and_qos_and_accounts_come_from_the_policy() throws Exception {
        engineConfig = EngineConfig.defaults().withPolicy(dev.rota.core.policy.PolicyFile.parse("""
                Account=vision
                Account=speech
                User=alice Account=vision
                User=bob Account=speech
                QOS=high Priority=10
                """, "test.policy"));
        start();
        try (ScriptedAgent agent = new ScriptedAgent("node-1", 8)) {
            agent.next(DaemonMessage.KindCase.REGISTERED);
            awaitNodes(1);
            long running = jobs("alice").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 8)).build())
                    .getJobId();
            agent.next(DaemonMessage.KindCase.LAUNCH);
            long normal = jobs("bob").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 8)).build()).getJobId();
            long urgent = jobs("bob").submitJob(SubmitJobRequest.newBuilder()
                    .setSpec(spec(1, 8).toBuilder().setQos("high")).build()).getJobId();
            // a drain forces a full cycle, which judges every pending job
            nodes().drainNode(dev.rota.api.v1.DrainNodeRequest.newBuilder().setName("node-1").setReason("test").build());

            Metadata h = new Metadata();
            h.put(CallerIdentity.USER_HEADER, "bob");
            var policy = dev.rota.api.v1.PolicyServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h)).withDeadlineAfter(10, TimeUnit.SECONDS);
            var priorities = policy.listPriorities(dev.rota.api.v1.ListPrioritiesRequest.getDefaultInstance());
            assertThat(priorities.getJobsList()).extracting(p -> p.getJobId()).containsExactly(urgent, normal);
            assertThat(priorities.getJobs(0).getQos()).isEqualTo("high");
            assertThat(priorities.getJobs(0).getQosFactor()).isEqualTo(1.0);
            assertThat(priorities.getJobs(0).getAccount()).isEqualTo("speech");
            assertThat(priorities.getWeights().getFairShare()).isEqualTo(10_000);
            assertThat(priorities.hasJudgedAt()).isTrue();

            // Submitted after the last full cycle: judged on request, not left out.
            long late = jobs("bob").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 8)).build()).getJobId();
            assertThat(policy.listPriorities(dev.rota.api.v1.ListPrioritiesRequest.newBuilder().addJobIds(late).build())
                    .getJobsList()).extracting(p -> p.getJobId()).containsExactly(late);

            var share = policy.getFairShare(dev.rota.api.v1.GetFairShareRequest.getDefaultInstance());
            assertThat(share.getRowsList()).extracting(r -> r.getAccount() + "/" + r.getUser())
                    .contains("vision/", "vision/alice", "speech/", "speech/bob");
            assertThat(jobs("alice").getJob(GetJobRequest.newBuilder().setJobId(running).build()).getJob().getQos())
                    .isEqualTo("normal");

            assertThatThrownBy(() -> jobs("alice").submitJob(SubmitJobRequest.newBuilder()
                    .setSpec(spec(1, 1).toBuilder().setAccount("speech")).build()))
                    .hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("may not charge account 'speech'");
            assertThatThrownBy(() -> jobs("mallory").submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 1)).build()))
                    .hasMessageContaining("user 'mallory' has no account");
        }
    }
}
