package dev.rota.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AgentServiceGrpc;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.GpuHealth;
import dev.rota.agent.v1.GpuInfo;
import dev.rota.agent.v1.GpuState;
import dev.rota.agent.v1.NodeHealth;
import dev.rota.agent.v1.Register;
import dev.rota.api.v1.Count;
import dev.rota.api.v1.GetClusterSummaryRequest;
import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobEvent;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.ListJobsRequest;
import dev.rota.api.v1.ListNodesRequest;
import dev.rota.api.v1.NodeServiceGrpc;
import dev.rota.api.v1.SubmitJobRequest;
import dev.rota.api.v1.WatchJobsRequest;
import dev.rota.core.engine.EngineConfig;
import dev.rota.daemon.api.CallerIdentity;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RPCs the daily-use CLI needs (issue #8), on the real daemon over loopback with a scripted
 * agent: job filters, the WatchJobs stream, agent facts on nodes, the cluster summary.
 */
class DaemonCliApiTest {
    @TempDir
    Path dir;
    private Daemon daemon;
    private ManagedChannel channel;
    private StreamObserver<AgentMessage> agent;
    private final BlockingQueue<DaemonMessage> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws InterruptedException {
        daemon = Daemon.start(new Daemon.Config(dir, HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"),
                EngineConfig.defaults()));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", daemon.grpcAddress().getPort()).usePlaintext().build();
        agent = AgentServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
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
        Register.Builder r = Register.newBuilder().setNodeName("node-1").setAddress("127.0.0.1:9999")
                .setAgentVersion("0.1-test")
                .setHealth(NodeHealth.newBuilder().setHealthy(true).addWarnings("gpu 1: 91 C")
                        .addGpus(GpuHealth.newBuilder().setIndex(0).setState(GpuState.GPU_STATE_OK))
                        .addGpus(GpuHealth.newBuilder().setIndex(1).setState(GpuState.GPU_STATE_WARNING)
                                .addConditions("hot: 91 C")));
        for (int i = 0; i < 2; i++) {
            r.addGpus(GpuInfo.newBuilder().setIndex(i).setUuid("GPU-" + i).setModel("H100"));
        }
        agent.onNext(AgentMessage.newBuilder().setRegister(r).build());
        assertThat(daemon.await(s -> s.nodes().stream().anyMatch(n -> n.connected()), java.time.Duration.ofSeconds(10)))
                .isPresent();
    }

    @AfterEach
    void stop() {
        agent.onCompleted();
        channel.shutdownNow();
        daemon.close();
    }

    private static Metadata as(String user) {
        Metadata h = new Metadata();
        h.put(CallerIdentity.USER_HEADER, user);
        return h;
    }

    private JobServiceGrpc.JobServiceBlockingStub jobs(String user) {
        return JobServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(as(user)))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private NodeServiceGrpc.NodeServiceBlockingStub nodes() {
        return NodeServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(as("root")))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private long submit(String user, String account, int gpus) {
        JobSpec spec = JobSpec.newBuilder().setName("train").setNodes(1).setGpusPerNode(gpus).setAccount(account)
                .setTimeLimit(Duration.newBuilder().setSeconds(600)).setScript("#!/bin/bash\ntrue\n")
                .setWorkingDir("/tmp").build();
        return jobs(user).submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getJobId();
    }

    private DaemonMessage next(DaemonMessage.KindCase kind) throws InterruptedException {
        while (true) {
            DaemonMessage m = received.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a %s message", kind).isNotNull();
            if (m.getKindCase() == kind) {
                return m;
            }
        }
    }

    @Test
    void list_jobs_filters_by_ids_users_accounts_and_partitions() {
        long a = submit("alice", "vision", 1);
        long b = submit("bob", "nlp", 1);
        long c = submit("carol", "nlp", 1);

        assertThat(ids(ListJobsRequest.newBuilder().addJobIds(c).addJobIds(a).build())).containsExactly(a, c);
        assertThat(ids(ListJobsRequest.newBuilder().addUsers("alice").addUsers("carol").build())).containsExactly(a, c);
        assertThat(ids(ListJobsRequest.newBuilder().addAccounts("nlp").build())).containsExactly(b, c);
        assertThat(ids(ListJobsRequest.newBuilder().addPartitions("nope").build())).isEmpty();
        assertThat(ids(ListJobsRequest.newBuilder().addJobIds(999).build())).isEmpty();
    }

    private List<Long> ids(ListJobsRequest request) {
        return jobs("alice").listJobs(request).getJobsList().stream().map(Job::getId).toList();
    }

    @Test
    void watch_streams_a_named_jobs_changes_and_ends_when_it_ends() throws Exception {
        long id = submit("alice", "", 1);
        Iterator<JobEvent> events = jobs("alice").withDeadlineAfter(20, TimeUnit.SECONDS)
                .watchJobs(WatchJobsRequest.newBuilder().addJobIds(id).build());
        List<String> seen = new ArrayList<>();
        JobEvent first = events.next();
        seen.add(first.getJob().getState() + (first.getInitial() ? " initial" : ""));
        DaemonMessage launch = next(DaemonMessage.KindCase.LAUNCH);
        agent.onNext(AgentMessage.newBuilder().setAllocationEnded(AllocationEnded.newBuilder()
                .setAllocation(launch.getLaunch().getAllocation()).setExitCode(3)).build());
        while (events.hasNext()) {
            JobEvent e = events.next();
            seen.add(e.getPreviousState() + " -> " + e.getJob().getState());
        }
        assertThat(seen.getFirst()).isIn("JOB_STATE_PENDING initial", "JOB_STATE_RUNNING initial");
        assertThat(seen.getLast()).isEqualTo("JOB_STATE_RUNNING -> JOB_STATE_FAILED");
    }

    @Test
    void watching_a_job_that_does_not_exist_is_not_found() {
        assertThatThrownBy(() -> jobs("alice").watchJobs(WatchJobsRequest.newBuilder().addJobIds(4242).build()).next())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).startsWith("job 4242 does not exist");
                });
    }

    @Test
    void watch_of_every_job_of_a_user_sees_new_submissions() {
        Iterator<JobEvent> events = jobs("alice").withDeadlineAfter(20, TimeUnit.SECONDS)
                .watchJobs(WatchJobsRequest.newBuilder().setUser("alice").build());
        submit("bob", "", 1);
        long mine = submit("alice", "", 1);
        JobEvent e = events.next();
        assertThat(e.getJob().getId()).isEqualTo(mine);
        assertThat(e.getInitial()).isFalse();
        assertThat(e.getPreviousState()).isEqualTo(JobState.JOB_STATE_UNSPECIFIED);
    }

    @Test
    void nodes_carry_the_agents_heartbeat_age_version_and_gpu_health() {
        var node = nodes().listNodes(ListNodesRequest.getDefaultInstance()).getNodes(0);
        assertThat(node.hasHeartbeatAge()).isTrue();
        assertThat(node.getHeartbeatAge().getSeconds()).isLessThan(15);
        assertThat(node.getAgentVersion()).isEqualTo("0.1-test");
        assertThat(node.getHealthWarningsList()).containsExactly("gpu 1: 91 C");
        assertThat(node.getGpus(1).getHealth()).isEqualTo("WARNING");
        assertThat(node.getGpus(1).getHealthConditionsList()).containsExactly("hot: 91 C");
    }

    @Test
    void cluster_summary_counts_gpus_jobs_and_busiest_accounts() throws Exception {
        submit("alice", "vision", 1);
        next(DaemonMessage.KindCase.LAUNCH);
        submit("bob", "nlp", 2);
        assertThat(daemon.await(s -> s.jobs().values().stream().anyMatch(j -> !j.reason().isEmpty()),
                java.time.Duration.ofSeconds(10))).isPresent();

        var summary = nodes().getClusterSummary(GetClusterSummaryRequest.getDefaultInstance());

        assertThat(summary.getGpusByStateList()).extracting(c -> c.getName() + "=" + c.getCount())
                .containsExactly("ALLOCATED=1", "IDLE=1", "UNAVAILABLE=0");
        assertThat(summary.getJobsByStateList()).extracting(c -> c.getName() + "=" + c.getCount())
                .containsExactly("PENDING=1", "RUNNING=1");
        assertThat(summary.getBusiestAccountsList()).extracting(Count::getName).containsExactly("vision");
        assertThat(summary.getNodesByStateList()).extracting(Count::getName).containsExactly("MIXED");
        assertThat(summary.getSteps()).isPositive();
        assertThat(summary.hasMedianStep()).isTrue();
    }
}
