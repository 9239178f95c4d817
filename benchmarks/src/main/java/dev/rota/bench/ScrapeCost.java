package dev.rota.bench;

import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.EngineConfig;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.SchedulerEngine;
import dev.rota.core.engine.NodeView;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.job.NodeAllocation;
import dev.rota.core.node.Gpu;
import dev.rota.core.node.NodeRecord;
import dev.rota.core.node.NodeState;
import dev.rota.daemon.api.SpecValidation;
import dev.rota.daemon.metrics.DaemonMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a Prometheus scrape of rotad costs on a large cluster, and whether scraping slows the engine.
 * Builds the snapshot the engine would publish for {@code --nodes} 8-GPU nodes, every node held by a
 * running job, and {@code --pending} jobs queued behind them (50 accounts, 400 users), then times
 * {@link DaemonMetrics#scrape()}:
 * <ul>
 *   <li>{@code new snapshot}: every scrape finds a newer snapshot, so the cluster is counted again
 *       (the usual case: the engine steps between two scrapes);</li>
 *   <li>{@code same snapshot}: the counts are reused, only the exposition is written.</li>
 * </ul>
 * Then the median engine step of 16 queued submits (one busy node, 10,000 jobs queued, as in
 * {@link EngineStepCost}), alone and with a thread scraping the large snapshot every
 * {@code --scrape-every-ms} (150 times Prometheus's usual 15 s rate by default), in the same JVM.
 * Run on demand:
 * {@code java -Xmx4g -cp benchmarks/target/rota-benchmarks.jar dev.rota.bench.ScrapeCost}.
 */
public final class ScrapeCost {
    private ScrapeCost() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = 12_500;
        int pending = 100_000;
        int scrapes = 200;
        int scrapeEveryMs = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--pending" -> pending = Integer.parseInt(args[++i]);
                case "--scrapes" -> scrapes = Integer.parseInt(args[++i]);
                case "--scrape-every-ms" -> scrapeEveryMs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("usage: ScrapeCost [--nodes N] [--pending N] "
                        + "[--scrapes N] [--scrape-every-ms MS]");
            }
        }
        long b0 = System.nanoTime();
        ClusterSnapshot built = cluster(nodes, pending);
        System.out.printf(Locale.ROOT, "cluster: %d nodes, %d jobs (%d running, %d pending), built in %.1f s%n",
                built.nodes().size(), built.jobs().size(), nodes, pending, (System.nanoTime() - b0) / 1e9);

        // Two snapshots with the same content and different steps: alternating makes every scrape recount.
        ClusterSnapshot a = built;
        ClusterSnapshot b = new ClusterSnapshot(built.step() + 1, built.jobs(), built.nodes(), built.estimatedStarts(),
                built.judgement());
        AtomicReference<ClusterSnapshot> current = new AtomicReference<>(a);
        DaemonMetrics metrics = new DaemonMetrics("main");
        metrics.readFrom(current::get);
        String exposition = metrics.scrape();
        for (int i = 0; i < 50; i++) {
            current.set(i % 2 == 0 ? b : a);
            metrics.scrape();
        }
        long[] fresh = new long[scrapes];
        long[] same = new long[scrapes];
        for (int i = 0; i < scrapes; i++) {
            current.set(i % 2 == 0 ? b : a);
            long s0 = System.nanoTime();
            exposition = metrics.scrape();
            fresh[i] = System.nanoTime() - s0;
            long s1 = System.nanoTime();
            metrics.scrape();
            same[i] = System.nanoTime() - s1;
        }
        System.out.printf(Locale.ROOT, "exposition: %d bytes, %d lines%n", exposition.length(),
                exposition.lines().count());
        System.out.println("scrape            median_ms  p90_ms  max_ms");
        System.out.println(row("new snapshot", fresh));
        System.out.println(row("same snapshot", same));

        // The engine a scrape must not slow: one busy 8-GPU node, 10,000 jobs queued (EngineStepCost's setup).
        SchedulerEngine engine = SchedulerEngine.fresh(EngineConfig.defaults());
        Instant t = Instant.parse("2026-11-23T00:00:00Z");
        List<Gpu> eight = new ArrayList<>();
        for (int g = 0; g < 8; g++) {
            eight.add(new Gpu(g, "GPU-" + g, "Scripted", 0));
        }
        engine.handle(new Event.NodeRegistered(t, "node-1", "127.0.0.1:1", eight, List.of(), List.of()));
        engine.handle(new Event.JobSubmitted(t, SpecValidation.toCore(SubmitLoad.loadSpec("blocker").toBuilder()
                .setGpusPerNode(8).setTimeLimit(com.google.protobuf.Duration.newBuilder().setSeconds(86_400)).build(),
                "bench")));
        JobSpec small = SpecValidation.toCore(SubmitLoad.loadSpec("load"), "bench");
        for (int n = 0; n < 10; n++) {
            List<Event> fill = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                fill.add(new Event.JobSubmitted(t, small));
            }
            t = t.plus(Duration.ofMillis(1));
            engine.handle(fill);
        }
        steps(engine, t, small, 300);
        t = t.plusSeconds(1);
        long[] quiet = steps(engine, t, small, 300);
        // Scrapes at a fixed rate, as Prometheus does, on their own thread beside the engine's steps.
        java.util.concurrent.ScheduledExecutorService scraper = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> new Thread(r, "scraper"));
        java.util.concurrent.atomic.AtomicInteger round = new java.util.concurrent.atomic.AtomicInteger();
        scraper.scheduleAtFixedRate(() -> {
            current.set(round.getAndIncrement() % 2 == 0 ? b : a);
            metrics.scrape();
        }, 0, scrapeEveryMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        long[] scraped = steps(engine, t.plusSeconds(1), small, 300);
        scraper.shutdownNow();
        scraper.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        System.out.println("engine step (16 submits)      median_us  p90_us");
        System.out.printf(Locale.ROOT, "without scrapes               %9.1f  %6.1f%n", pct(quiet, 50) / 1e3,
                pct(quiet, 90) / 1e3);
        System.out.printf(Locale.ROOT, "scraping every %4d ms        %9.1f  %6.1f%n", scrapeEveryMs,
                pct(scraped, 50) / 1e3, pct(scraped, 90) / 1e3);
    }

    /**
     * A snapshot as the engine would publish it for {@code nodes} 8-GPU nodes each held whole by one
     * running job, and {@code pending} jobs queued behind them, in 50 accounts. Built directly: the
     * metrics read only the snapshot, and filling a real engine this large takes long.
     */
    static ClusterSnapshot cluster(int nodes, int pending) {
        Instant t = Instant.parse("2026-11-23T00:00:00Z");
        List<NodeView> views = new ArrayList<>(nodes);
        List<Job> jobs = new ArrayList<>(nodes + pending);
        long id = 1;
        for (int n = 1; n <= nodes; n++) {
            List<Gpu> gpus = new ArrayList<>(8);
            for (int g = 0; g < 8; g++) {
                gpus.add(new Gpu(g, "GPU-" + n + "-" + g, "NVIDIA H100 80GB HBM3", 80L << 30));
            }
            String name = "node-" + n;
            JobId job = JobId.of(id++);
            jobs.add(Job.submitted(job, spec(n), t, 12_000).started(
                    List.of(new NodeAllocation(name, List.of(0, 1, 2, 3, 4, 5, 6, 7))), t.plusSeconds(n % 600)));
            views.add(new NodeView(new NodeRecord(name, "10.0.0.1:" + n, gpus, Optional.empty()),
                    NodeState.ALLOCATED, true, 8, List.of(job), List.of()));
        }
        for (int i = 0; i < pending; i++) {
            Job j = Job.submitted(JobId.of(id++), spec(i), t.plusMillis(i), 12_000);
            jobs.add(j.withReason(i == 0 ? "Resources" : "Priority"));
        }
        return new ClusterSnapshot(1, new TreeMap<>(), views).next(2, jobs, views, new TreeMap<>(),
                ClusterSnapshot.Judgement.NONE);
    }

    private static JobSpec spec(int i) {
        return new JobSpec("train", "user-" + (i % 400), "account-" + (i % 50), "main", 1, 1, 8,
                Duration.ofHours(24), "#!/bin/bash\ntrue\n", List.of(), "/tmp", "", "", new TreeMap<>(), true);
    }

    private static long[] steps(SchedulerEngine engine, Instant t, JobSpec spec, int steps) {
        long[] nanos = new long[steps];
        for (int s = 0; s < steps; s++) {
            List<Event> events = new ArrayList<>(16);
            t = t.plus(Duration.ofMillis(1));
            for (int i = 0; i < 16; i++) {
                events.add(new Event.JobSubmitted(t, spec));
            }
            long t0 = System.nanoTime();
            engine.handle(events);
            nanos[s] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static String row(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%-16s %10.2f %7.2f %7.2f", name, pct(sorted, 50) / 1e6,
                pct(sorted, 90) / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }
}
