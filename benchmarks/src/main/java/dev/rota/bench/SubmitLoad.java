package dev.rota.bench;

import com.google.protobuf.Duration;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.ListJobsRequest;
import dev.rota.api.v1.SubmitJobRequest;
import dev.rota.api.v1.SubmitJobResponse;
import dev.rota.core.engine.EngineConfig;
import dev.rota.daemon.Daemon;
import dev.rota.daemon.HostPort;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The submit load driver: N concurrent clients submit jobs to {@code rotad} over real gRPC on
 * loopback for T seconds and it prints acknowledged submits per second with p50/p99/max latency. With
 * {@code --mode empty} the same clients call {@code grpc.health.v1.Health/Check} instead: the ceiling
 * an empty unary RPC reaches on the same daemon and machine.
 *
 * <p>Run on demand, never by the build: {@code java -jar benchmarks/target/rota-benchmarks.jar --help}.
 * Figures and the commands that made them are in {@code docs/BENCHMARKS.md}.
 */
public final class SubmitLoad {
    /** The caller every submit claims to be (rotad trusts the {@code rota-user} header). */
    static final String USER = "bench";
    static final Metadata.Key<String> USER_HEADER = Metadata.Key.of("rota-user", Metadata.ASCII_STRING_MARSHALLER);
    private static final java.time.Duration CALL_DEADLINE = java.time.Duration.ofSeconds(30);
    private static final java.time.Duration SETUP_DEADLINE = java.time.Duration.ofSeconds(30);
    private static final String NODE = "bench-node";
    private static final int NODE_GPUS = 8;

    private SubmitLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(LoadOptions.USAGE);
            return;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SubmitLoad: " + e.getMessage());
            System.err.print(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        LoadReport report = run(options);
        System.out.println(options.json() ? report.json() : report.summary());
        System.exit(report.acked() > 0 ? 0 : 1);
    }

    /**
     * Runs one load as {@code options} say: starts an in-process rotad when no address is given,
     * prepares it, loads it, and stops what it started.
     *
     * @throws IllegalStateException when set-up fails or nothing was acknowledged
     */
    public static LoadReport run(LoadOptions options) throws InterruptedException {
        Path dataDir = null;
        Daemon daemon = null;
        String target;
        if (options.address().isPresent()) {
            target = options.address().get();
        } else {
            try {
                dataDir = Files.createTempDirectory("rota-bench-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            daemon = Daemon.start(new Daemon.Config(dataDir, HostPort.parse("127.0.0.1:0"),
                    HostPort.parse("127.0.0.1:0"), EngineConfig.defaults()));
            target = "127.0.0.1:" + daemon.grpcAddress().getPort();
            System.err.println("SubmitLoad: in-process rotad on " + target + ", data in " + dataDir);
        }
        List<ManagedChannel> channels = new ArrayList<>();
        ScriptedNode node = null;
        try {
            for (int i = 0; i < options.connections(); i++) {
                // Each builder makes its own connection; the direct executor runs callbacks on Netty's threads.
                channels.add(NettyChannelBuilder.forAddress(LoadOptions.host(target), LoadOptions.port(target))
                        .usePlaintext().directExecutor().build());
            }
            ClosedLoop.Call call;
            if (options.mode() == LoadOptions.Mode.SUBMIT) {
                if (options.setup() == LoadOptions.Setup.BLOCKED_QUEUE) {
                    node = blockQueue(channels.get(0));
                }
                call = submits(channels);
            } else {
                call = healthChecks(channels);
            }
            ClosedLoop loop = new ClosedLoop(call, options.clients());
            LoadReport report = loop.run(options.mode().name().toLowerCase(java.util.Locale.ROOT),
                    options.connections(), options.warmup(), options.measure());
            if (report.acked() == 0) {
                throw new IllegalStateException("no call was acknowledged; last failure: " + loop.lastFailure(),
                        loop.lastFailure());
            }
            return report;
        } finally {
            if (node != null) {
                node.close();
            }
            for (ManagedChannel c : channels) {
                c.shutdownNow();
            }
            for (ManagedChannel c : channels) {
                c.awaitTermination(5, TimeUnit.SECONDS);
            }
            if (daemon != null) {
                daemon.close();
                deleteTree(dataDir);
            }
        }
    }

    /** The spec of every load job: feasible (one GPU), queued behind the blocker; the name is unique. */
    static JobSpec loadSpec(String name) {
        return JobSpec.newBuilder().setName(name).setNodes(1).setGpusPerNode(1)
                .setTimeLimit(Duration.newBuilder().setSeconds(600)).setScript("#!/bin/bash\ntrue\n")
                .setWorkingDir("/tmp").build();
    }

    private static JobServiceGrpc.JobServiceStub jobStub(ManagedChannel channel) {
        Metadata h = new Metadata();
        h.put(USER_HEADER, USER);
        return JobServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
    }

    private static ClosedLoop.Call submits(List<ManagedChannel> channels) {
        List<JobServiceGrpc.JobServiceStub> stubs = channels.stream().map(SubmitLoad::jobStub).toList();
        JobSpec base = loadSpec("load");
        return (client, sequence, done) -> {
            SubmitJobRequest request = SubmitJobRequest.newBuilder()
                    .setSpec(base.toBuilder().setName("load-" + client + "-" + sequence)).build();
            stubs.get(client % stubs.size()).withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .submitJob(request, new Answer<>(done));
        };
    }

    private static ClosedLoop.Call healthChecks(List<ManagedChannel> channels) {
        List<HealthGrpc.HealthStub> stubs = channels.stream().map(HealthGrpc::newStub).toList();
        HealthCheckRequest request = HealthCheckRequest.getDefaultInstance();
        return (client, sequence, done) -> stubs.get(client % stubs.size())
                .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .check(request, new Answer<HealthCheckResponse>(done));
    }

    /** Adapts a unary call's observer to {@link ClosedLoop.Done}. */
    private record Answer<T>(ClosedLoop.Done done) implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
            done.failed(t);
        }

        @Override
        public void onCompleted() {
            done.ok();
        }
    }

    /**
     * Makes every later submit queue: registers a scripted 8-GPU node, then starts one job holding all
     * of it for a day. Refuses a target that already has live jobs, whose numbers would not compare.
     */
    private static ScriptedNode blockQueue(ManagedChannel channel) throws InterruptedException {
        Metadata h = new Metadata();
        h.put(USER_HEADER, USER);
        JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
        int live = jobs.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount();
        if (live > 0) {
            throw new IllegalStateException("the target has " + live + " pending or running jobs; load a fresh rotad "
                    + "(empty --data-dir, no agents) or pass --setup none");
        }
        ScriptedNode node = ScriptedNode.register(channel, NODE, NODE_GPUS);
        JobSpec blocker = loadSpec("blocker").toBuilder().setGpusPerNode(NODE_GPUS)
                .setTimeLimit(Duration.newBuilder().setSeconds(86_400)).build();
        long deadline = System.nanoTime() + SETUP_DEADLINE.toNanos();
        SubmitJobResponse accepted = null;
        while (accepted == null) {
            try {
                accepted = jobs.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .submitJob(SubmitJobRequest.newBuilder().setSpec(blocker).build());
            } catch (StatusRuntimeException e) {
                // Refused as infeasible until the engine has seen the node's registration.
                if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION || System.nanoTime() > deadline) {
                    node.close();
                    throw e;
                }
                // Polling a remote process; there is nothing local to wait on.
                new CountDownLatch(1).await(20, TimeUnit.MILLISECONDS);
            }
        }
        long blockerId = accepted.getJobId();
        var launch = node.nextLaunch(SETUP_DEADLINE);
        if (launch.isEmpty() || launch.get().getAllocation().getJobId() != blockerId) {
            node.close();
            throw new IllegalStateException("the blocker job " + blockerId + " did not start on " + NODE
                    + "; load a rotad without other nodes, or pass --setup none");
        }
        System.err.println("SubmitLoad: job " + blockerId + " holds all " + NODE_GPUS + " GPUs of " + NODE
                + "; submitted jobs will queue PENDING");
        return node;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("SubmitLoad: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
