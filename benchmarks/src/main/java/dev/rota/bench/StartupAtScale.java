package dev.rota.bench;

import dev.rota.api.v1.GetJobRequest;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.ListHistoryRequest;
import dev.rota.core.engine.EngineConfig;
import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.job.JobState;
import dev.rota.core.job.NodeAllocation;
import dev.rota.core.node.Gpu;
import dev.rota.core.node.NodeRecord;
import dev.rota.daemon.Daemon;
import dev.rota.daemon.HostPort;
import dev.rota.daemon.store.RocksStateStore;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Start-up at scale (issue #3): a store holding {@code --jobs} jobs, {@code --pending} of them
 * pending and the rest finished, then the time from {@link Daemon#start} to the first answered
 * queries (a pending job by id, a finished one by id, the newest history page) and the heap in use
 * after a full GC. Two phases, run in separate JVMs so the measured one starts cold:
 *
 * <pre>
 * java -cp benchmarks/target/rota-benchmarks.jar dev.rota.bench.StartupAtScale populate DIR [--jobs N] [--pending P]
 * java -Xmx2g -cp benchmarks/target/rota-benchmarks.jar dev.rota.bench.StartupAtScale start DIR
 * </pre>
 *
 * Jobs look like real submissions: a 300-byte script and a 40-variable environment (about 2.5 KB
 * each as stored).
 */
public final class StartupAtScale {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final int BATCH = 10_000;

    private StartupAtScale() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("populate") || args[0].equals("start"))) {
            System.err.println("usage: StartupAtScale populate DIR [--jobs N] [--pending P] | start DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]).toAbsolutePath();
        long jobs = 1_000_000;
        long pending = 100_000;
        for (int i = 2; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--jobs" -> jobs = Long.parseLong(args[i + 1]);
                case "--pending" -> pending = Long.parseLong(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (args[0].equals("populate")) {
            populate(dir, jobs, pending);
        } else {
            start(dir);
        }
    }

    static JobSpec spec(long id) {
        TreeMap<String, String> env = new TreeMap<>();
        for (int v = 0; v < 40; v++) {
            env.put("VAR_" + v, "/opt/software/stack-" + v + "/lib:/usr/local/cuda-12.4/lib64:" + (id % 97));
        }
        String script = "#!/bin/bash\n#SBATCH -N 2\n#SBATCH --gpus-per-node=8\nmodule load cuda/12.4\n"
                + "export NCCL_DEBUG=WARN\nsrun python train.py --config configs/run-" + id + ".yaml --epochs 10\n"
                + "# ".repeat(60) + "\n";
        return new JobSpec("train-" + id, "user" + (id % 50), "lab" + (id % 8), "main", 1 + (int) (id % 2), 1,
                8, Duration.ofHours(4), script, List.of(), "/home/user" + (id % 50) + "/runs", "", "", env, true);
    }

    private static void populate(Path dir, long jobs, long pending) {
        long t0 = System.nanoTime();
        try (RocksStateStore store = RocksStateStore.open(dir.resolve("db"))) {
            List<StateChange> batch = new ArrayList<>(BATCH + 2);
            List<Gpu> gpus = new ArrayList<>();
            for (int g = 0; g < 8; g++) {
                gpus.add(new Gpu(g, "GPU-bench-" + g, "H100", 80L << 30));
            }
            batch.add(new StateChange.NodeUpserted(new NodeRecord("node-1", "127.0.0.1:1", gpus, Optional.empty())));
            long finished = jobs - pending;
            for (long id = 1; id <= jobs; id++) {
                Job job = Job.submitted(JobId.of(id), spec(id), T0.plusSeconds(id), 12000);
                if (id <= finished) {
                    Instant start = T0.plusSeconds(id + 10);
                    job = job.started(List.of(new NodeAllocation("node-1", List.of(0, 1, 2, 3, 4, 5, 6, 7))), start)
                            .ended(id % 10 == 0 ? JobState.FAILED : JobState.COMPLETED, "",
                                    OptionalInt.of(id % 10 == 0 ? 1 : 0), start.plusSeconds(600));
                } else {
                    job = job.withReason("Priority");
                }
                batch.add(new StateChange.JobUpserted(job));
                if (batch.size() >= BATCH) {
                    batch.add(new StateChange.NextJobIdAdvanced(id + 1));
                    store.commit(batch);
                    batch.clear();
                }
            }
            batch.add(new StateChange.NextJobIdAdvanced(jobs + 1));
            store.commit(batch);
        }
        System.out.printf("{\"phase\":\"populate\",\"jobs\":%d,\"pending\":%d,\"seconds\":%.1f,\"bytes\":%d}%n", jobs,
                pending, (System.nanoTime() - t0) / 1e9, size(dir));
    }

    private static void start(Path dir) throws Exception {
        long t0 = System.nanoTime();
        try (Daemon daemon = Daemon.start(new Daemon.Config(dir, HostPort.parse("127.0.0.1:0"),
                HostPort.parse("127.0.0.1:0"), EngineConfig.defaults()))) {
            long started = System.nanoTime();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", daemon.grpcAddress().getPort())
                    .usePlaintext().build();
            try {
                Metadata h = new Metadata();
                h.put(SubmitLoad.USER_HEADER, "bench");
                var jobs = JobServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                        .withDeadlineAfter(60, TimeUnit.SECONDS);
                long last = daemon.snapshot().jobs().lastKey().value();
                var live = jobs.getJob(GetJobRequest.newBuilder().setJobId(last).build()).getJob();
                var old = jobs.getJob(GetJobRequest.newBuilder().setJobId(1).build()).getJob();
                int page = jobs.listHistory(ListHistoryRequest.newBuilder().setLimit(100).build()).getJobsCount();
                long serving = System.nanoTime();
                System.gc();
                System.gc();
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.out.printf("{\"phase\":\"start\",\"jobs_in_memory\":%d,\"daemon_start_s\":%.2f,"
                                + "\"serving_s\":%.2f,\"heap_used_after_gc_mib\":%d,\"max_heap_mib\":%d,"
                                + "\"checks\":\"%s %s %d\"}%n", daemon.snapshot().jobs().size(),
                        (started - t0) / 1e9, (serving - t0) / 1e9, heap >> 20,
                        Runtime.getRuntime().maxMemory() >> 20, live.getState(), old.getState(), page);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static long size(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
