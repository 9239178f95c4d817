package dev.rota.bench;

import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.EngineConfig;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.SchedulerEngine;
import dev.rota.core.node.Gpu;
import dev.rota.daemon.api.SpecValidation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one engine step of queued submits costs as the queue grows, without I/O: the pure
 * {@link SchedulerEngine} with one 8-GPU node held by a day-long job, N jobs already pending, then
 * steps of {@code --batch} submits. Also times {@link SchedulerEngine#snapshot()}, the full copy the
 * daemon's engine loop avoids on such steps. Run on demand:
 * {@code java -cp benchmarks/target/rota-benchmarks.jar dev.rota.bench.EngineStepCost}.
 */
public final class EngineStepCost {
    private EngineStepCost() {
    }

    public static void main(String[] args) {
        int batch = 16;
        int steps = 300;
        List<Integer> queues = List.of(0, 1_000, 10_000, 50_000, 100_000);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--queues" -> queues = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                default -> throw new IllegalArgumentException("usage: EngineStepCost [--batch B] [--steps S] "
                        + "[--queues N,N,...]");
            }
        }
        // A throwaway round first, so that the figures below are of compiled code.
        measure(10_000, batch, steps);
        System.out.println("pending_before  step_median_us  step_p90_us  per_submit_us  snapshot_copy_median_us");
        for (int queued : queues) {
            System.out.println(measure(queued, batch, steps));
        }
    }

    private static String measure(int queued, int batch, int steps) {
        SchedulerEngine engine = SchedulerEngine.fresh(EngineConfig.defaults());
        Instant t = Instant.parse("2026-11-23T00:00:00Z");
        List<Gpu> gpus = new ArrayList<>();
        for (int g = 0; g < 8; g++) {
            gpus.add(new Gpu(g, "GPU-" + g, "Scripted", 0));
        }
        engine.handle(new Event.NodeRegistered(t, "node-1", "127.0.0.1:1", gpus, List.of(), List.of()));
        var blocker = SpecValidation.toCore(SubmitLoad.loadSpec("blocker").toBuilder().setGpusPerNode(8)
                .setTimeLimit(com.google.protobuf.Duration.newBuilder().setSeconds(86_400)).build(), "bench");
        engine.handle(new Event.JobSubmitted(t, blocker));
        var spec = SpecValidation.toCore(SubmitLoad.loadSpec("load"), "bench");
        int n = 0;
        while (n < queued) {
            List<Event> fill = new ArrayList<>();
            for (int i = 0; i < 1000 && n < queued; i++, n++) {
                fill.add(new Event.JobSubmitted(t, spec));
            }
            t = t.plus(Duration.ofMillis(1));
            engine.handle(fill);
        }
        long[] stepNanos = new long[steps];
        long[] copyNanos = new long[steps / 10];
        long sink = 0;
        for (int s = 0; s < steps; s++) {
            List<Event> events = new ArrayList<>(batch);
            t = t.plus(Duration.ofMillis(1));
            for (int i = 0; i < batch; i++) {
                events.add(new Event.JobSubmitted(t, spec));
            }
            long t0 = System.nanoTime();
            sink += engine.handle(events).changes().size();
            stepNanos[s] = System.nanoTime() - t0;
            if (s % 10 == 0) {
                long c0 = System.nanoTime();
                ClusterSnapshot copy = engine.snapshot();
                copyNanos[s / 10] = System.nanoTime() - c0;
                sink += copy.jobs().size();
            }
        }
        Arrays.sort(stepNanos);
        Arrays.sort(copyNanos);
        double median = stepNanos[steps / 2] / 1e3;
        return String.format(Locale.ROOT, "%14d  %14.1f  %11.1f  %13.2f  %23.1f%s", queued, median,
                stepNanos[steps * 9 / 10] / 1e3, median / batch, copyNanos[copyNanos.length / 2] / 1e3,
                sink < 0 ? "!" : "");
    }
}
