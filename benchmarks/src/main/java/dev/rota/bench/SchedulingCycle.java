package dev.rota.bench;

import dev.rota.core.engine.EngineConfig;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.SchedulerEngine;
import dev.rota.core.engine.StepResult;
import dev.rota.core.job.Environment;
import dev.rota.core.job.JobSpec;
import dev.rota.core.node.Gpu;
import dev.rota.core.policy.PolicyFile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full scheduling cycle (issue #6): judge every pending job's multifactor priority with the
 * fair-share tree, order the queue, check limits, try to start each job, and plan reservations
 * for the top blocked jobs. The cluster is {@code nodes} x 8 GPUs, filled by running jobs with
 * staggered time limits; {@code pending} jobs of mixed sizes (1 to 512 GPUs) from 200 users in 20
 * accounts wait behind them. Every invocation is a {@code CycleRequested} on the same state, so
 * it measures the steady state of a busy cluster.
 *
 * <pre>java -cp benchmarks/target/rota-benchmarks.jar org.openjdk.jmh.Main SchedulingCycle</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
public class SchedulingCycle {
    private static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

    @Param("12500")
    public int nodes;

    @Param("100000")
    public int pending;

    private SchedulerEngine engine;
    private Instant now;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        StringBuilder policy = new StringBuilder();
        for (int lab = 0; lab < 4; lab++) {
            policy.append("Account=lab").append(lab).append(" Shares=").append(lab + 1).append('\n');
            for (int team = 0; team < 5; team++) {
                policy.append("Account=lab").append(lab).append("-team").append(team).append(" Parent=lab").append(lab)
                        .append('\n');
            }
        }
        for (int u = 0; u < 200; u++) {
            policy.append("User=user").append(u).append(" Account=lab").append(u % 4).append("-team")
                    .append(u / 4 % 5).append('\n');
        }
        engine = SchedulerEngine.fresh(EngineConfig.defaults().withFinishedInMemory(1000)
                .withPolicy(PolicyFile.parse(policy.toString(), "bench.policy")));
        now = T0;
        List<Event> batch = new ArrayList<>();
        for (int n = 1; n <= nodes; n++) {
            List<Gpu> gpus = new ArrayList<>();
            for (int g = 0; g < 8; g++) {
                gpus.add(new Gpu(g, "GPU-" + n + "-" + g, "H100", 80L << 30));
            }
            batch.add(new Event.NodeRegistered(now, String.format("gpu%05d", n), "10.0.0.1:7000", gpus, List.of(),
                    List.of()));
        }
        engine.handle(batch);
        Random random = new Random(42);
        // Fill every GPU: whole-node jobs with limits staggered over 1 to 48 hours, so that
        // reservations have real holes to find.
        batch.clear();
        for (int n = 0; n < nodes; n++) {
            batch.add(new Event.JobSubmitted(now, spec("user" + random.nextInt(200), 1, 8,
                    Duration.ofMinutes(60 + random.nextInt(47 * 60)))));
            if (batch.size() == 4096) {
                engine.handle(batch);
                batch.clear();
            }
        }
        engine.handle(batch);
        batch.clear();
        now = now.plusSeconds(60);
        for (int i = 0; i < pending; i++) {
            int size = random.nextInt(100);
            // 40% one GPU, 20% 2-4, 20% a whole node, 15% 2-8 nodes, 5% 16-64 nodes (up to 512 GPUs)
            JobSpec spec;
            String user = "user" + random.nextInt(200);
            Duration limit = Duration.ofMinutes(10 + random.nextInt(24 * 60));
            if (size < 40) {
                spec = spec(user, 1, 1, limit);
            } else if (size < 60) {
                spec = spec(user, 1, 2 << random.nextInt(2), limit);
            } else if (size < 80) {
                spec = spec(user, 1, 8, limit);
            } else if (size < 95) {
                spec = spec(user, 2 + random.nextInt(7), 8, limit);
            } else {
                spec = spec(user, 16 << random.nextInt(3), 8, limit);
            }
            batch.add(new Event.JobSubmitted(now.plusMillis(i), spec));
            if (batch.size() == 4096) {
                engine.handle(batch);
                batch.clear();
            }
        }
        engine.handle(batch);
        now = now.plusSeconds(600);
        StepResult first = engine.handle(new Event.CycleRequested(now));
        if (!first.effects().isEmpty()) {
            throw new IllegalStateException("the cluster should be full; the cycle started " + first.effects().size()
                    + " things");
        }
    }

    private static JobSpec spec(String user, int nodes, int gpusPerNode, Duration limit) {
        return new JobSpec("bench", user, "", "", nodes, 1, gpusPerNode, limit, "#!/bin/bash\nsrun true\n", List.of(),
                "/tmp", "", "", Environment.of(new TreeMap<>()), true, "");
    }

    /** One full cycle over the whole queue. */
    @Benchmark
    public StepResult fullCycle() {
        now = now.plusMillis(1);
        return engine.handle(new Event.CycleRequested(now));
    }
}
