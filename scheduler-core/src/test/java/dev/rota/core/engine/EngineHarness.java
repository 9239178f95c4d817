package dev.rota.core.engine;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.node.Gpu;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Drives a {@link SchedulerEngine} the way the daemon does, with time moved by hand. Keeps every
 * effect and change so a test reads as "given these events, expect these effects and this state".
 */
final class EngineHarness {
    static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

    final SchedulerEngine engine;
    Instant now = T0;
    final List<Effect> effects = new ArrayList<>();
    final List<StateChange> changes = new ArrayList<>();
    StepResult last;

    EngineHarness() {
        this(SchedulerEngine.fresh(EngineConfig.defaults()));
    }

    EngineHarness(SchedulerEngine engine) {
        this.engine = engine;
    }

    /** A cluster of {@code count} nodes named node-1.. with {@code gpus} GPUs each, all registered. */
    static EngineHarness withNodes(int count, int gpus) {
        return withNodes(EngineConfig.defaults(), count, gpus);
    }

    /** As {@link #withNodes(int, int)}, with {@code config}. */
    static EngineHarness withNodes(EngineConfig config, int count, int gpus) {
        EngineHarness h = new EngineHarness(SchedulerEngine.fresh(config));
        for (int i = 1; i <= count; i++) {
            h.register("node-" + i, gpus);
        }
        return h;
    }

    EngineHarness advance(Duration d) {
        now = now.plus(d);
        return this;
    }

    StepResult step(Event... events) {
        last = engine.handle(List.of(events));
        effects.addAll(last.effects());
        changes.addAll(last.changes());
        return last;
    }

    Outcome one(Event event) {
        return step(event).outcomes().get(0);
    }

    void register(String node, int gpus) {
        one(new Event.NodeRegistered(now, node, "10.0.0." + node.replaceAll("\\D", "") + ":7000", gpus(node, gpus),
                List.of(), List.of()));
    }

    static List<Gpu> gpus(String node, int count) {
        List<Gpu> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Gpu(i, "GPU-" + node + "-" + i, "H100", 80L << 30));
        }
        return out;
    }

    /** Submits and returns the id (fails the test if rejected). */
    JobId submit(JobSpec spec) {
        Outcome o = one(new Event.JobSubmitted(now, spec));
        if (o instanceof Outcome.JobAccepted a) {
            return a.job();
        }
        throw new AssertionError("submission rejected: " + o);
    }

    Outcome tryCancel(JobId id, String user) {
        return one(new Event.JobCancelRequested(now, id, user));
    }

    void ended(JobId id, int exitCode) {
        Job j = job(id);
        one(new Event.AllocationEnded(now, j.batchNode().orElseThrow(), id, j.attempt(), exitCode, ""));
    }

    Job job(JobId id) {
        return engine.snapshot().job(id).orElseThrow();
    }

    NodeView node(String name) {
        return engine.snapshot().node(name).orElseThrow();
    }

    <T extends Effect> List<T> effectsOf(Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** A spec builder with sensible defaults. */
    static SpecBuilder spec() {
        return new SpecBuilder();
    }

    static final class SpecBuilder {
        String name = "train";
        String user = "alice";
        int nodes = 1;
        int gpusPerNode = 1;
        Duration limit = Duration.ofMinutes(10);
        String partition = "";
        String account = "";
        String qos = "";
        boolean requeue = true;

        SpecBuilder account(String a) {
            account = a;
            return this;
        }

        SpecBuilder qos(String q) {
            qos = q;
            return this;
        }

        SpecBuilder noRequeue() {
            requeue = false;
            return this;
        }

        SpecBuilder nodes(int n) {
            nodes = n;
            return this;
        }

        SpecBuilder gpusPerNode(int g) {
            gpusPerNode = g;
            return this;
        }

        SpecBuilder user(String u) {
            user = u;
            return this;
        }

        SpecBuilder limit(Duration d) {
            limit = d;
            return this;
        }

        SpecBuilder partition(String p) {
            partition = p;
            return this;
        }

        SpecBuilder name(String n) {
            name = n;
            return this;
        }

        JobSpec build() {
            return new JobSpec(name, user, account, partition, nodes, 1, gpusPerNode, limit,
                    "#!/bin/bash\nsrun hostname\n", List.of(), "/home/" + user, "", "",
                    dev.rota.core.job.Environment.of(new TreeMap<>()), requeue, qos);
        }
    }
}
