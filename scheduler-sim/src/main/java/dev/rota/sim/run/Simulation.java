package dev.rota.sim.run;

import dev.rota.core.engine.Effect;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.Outcome;
import dev.rota.core.engine.SchedulerEngine;
import dev.rota.core.engine.StateChange;
import dev.rota.core.engine.StepResult;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.job.NodeAllocation;
import dev.rota.core.node.Gpu;
import dev.rota.sim.cluster.ClusterShape;
import dev.rota.sim.trace.Trace;
import dev.rota.sim.trace.TraceJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays a trace through the daemon's {@link SchedulerEngine} in virtual time. It plays the part of
 * the daemon's engine loop and of every node agent, and nothing else: the job lifecycle, the queue,
 * fair share, backfill and placement are the engine's.
 *
 * <ul>
 *   <li>Future events wait in an {@link EventQueue} ordered by (virtual time, sequence). All events
 *       due at one instant go to the engine as one batch (as the daemon hands it whatever its inbox
 *       holds, up to 4,096 events), and the engine runs its scheduling cycle at the end of the batch
 *       exactly as it does in the daemon: no extra "cycle" events are invented.</li>
 *   <li>Every node registers at the start. A {@code LaunchJob} effect is the agent starting the
 *       batch script: its exit is queued at start + the job's recorded duration (exit code 0). A
 *       {@code KillJob} of a running attempt ends it at once (exit 143); a {@code ScheduleTimer}
 *       becomes a {@code TimerFired} at its due time.</li>
 *   <li>The decision log has one line per start, end and refused submission; the same trace,
 *       cluster, policy and seed give the same bytes, in any JVM.</li>
 * </ul>
 *
 * Single-threaded; one instance runs once.
 */
public final class Simulation {
    /** As the daemon's engine loop: the most events one step takes. */
    static final int MAX_BATCH = 4096;

    private final Trace trace;
    private final ClusterShape cluster;
    private final SimPolicy policy;
    private final Writer log;
    private final MessageDigest digest;

    private final EventQueue<Event> queue = new EventQueue<>();
    private final SchedulerEngine engine;
    /** Running attempts by job, as the agents know them: the attempt number. */
    private final Map<JobId, Integer> alive = new HashMap<>();
    /** The node running each live attempt's batch script, which reports its exit. */
    private final Map<JobId, String> batchNodes = new HashMap<>();
    private final JobOutcome[] outcomes;
    private final Map<JobId, Integer> traceIndexOf = new HashMap<>();
    private final int[] usedOnNode;
    private int allocatedGpus;
    private int partialFree;
    private int pending;
    private Instant last;
    private Instant first;
    /** When the last job ended: the end of the run (stale timers may fire later; they change nothing). */
    private Instant lastEnd;
    private double allocatedGpuSeconds;
    private double queuedSeconds;
    private double idleWhileQueued;
    private double partialFreeWhileQueued;
    private final List<Double> hourlyAllocated = new ArrayList<>();
    private final List<Double> hourlyPending = new ArrayList<>();
    private long steps;
    /** Accounts by position (sorted names), and per account: pending jobs, GPUs held, integrals. */
    private final List<String> accountNames;
    private final Map<String, Integer> accountIndex = new HashMap<>();
    private final int[] pendingOf;
    private final int[] heldOf;
    private final double[] waitingSeconds;
    private final double[] heldWhileWaiting;

    /**
     * @param log where the decision log goes (null: only hashed)
     */
    public Simulation(Trace trace, ClusterShape cluster, SimPolicy policy, Writer log) {
        this.trace = trace;
        this.cluster = cluster;
        this.policy = policy;
        this.log = log;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        this.engine = SchedulerEngine.fresh(policy.topologyAware()
                ? policy.config().withTopology(cluster.topology()) : policy.config());
        this.outcomes = new JobOutcome[trace.jobs().size()];
        this.usedOnNode = new int[cluster.nodes()];
        this.accountNames = List.copyOf(trace.accounts().keySet());
        for (int a = 0; a < accountNames.size(); a++) {
            accountIndex.put(accountNames.get(a), a);
        }
        this.pendingOf = new int[accountNames.size()];
        this.heldOf = new int[accountNames.size()];
        this.waitingSeconds = new double[accountNames.size()];
        this.heldWhileWaiting = new double[accountNames.size()];
    }

    /** Runs the whole trace until every job has ended or can never start. */
    public RunResult run() {
        long wall0 = System.nanoTime();
        List<TraceJob> jobs = trace.jobs();
        first = jobs.isEmpty() ? Instant.EPOCH : jobs.get(0).submit();
        last = first;
        lastEnd = first;
        for (int i = 0; i < cluster.nodes(); i++) {
            String name = cluster.nodeName(i);
            List<Gpu> gpus = new ArrayList<>(cluster.gpusPerNode());
            for (int g = 0; g < cluster.gpusPerNode(); g++) {
                gpus.add(new Gpu(g, "GPU-" + name + "-" + g, "sim", 80L << 30));
            }
            queue.push(first, new Event.NodeRegistered(first, name, name + ":7000", gpus, List.of(), List.of()));
        }
        for (TraceJob j : jobs) {
            queue.push(j.submit(), new Event.JobSubmitted(j.submit(), spec(j)));
        }
        while (!queue.isEmpty()) {
            Instant now = queue.nextTime();
            List<Event> batch = dropStale(queue.popBatch(MAX_BATCH));
            if (batch.isEmpty()) {
                continue;
            }
            advance(now);
            StepResult result = engine.handle(batch);
            steps++;
            apply(now, batch, result);
        }
        List<JobOutcome> all = new ArrayList<>(outcomes.length);
        for (int i = 0; i < outcomes.length; i++) {
            TraceJob j = jobs.get(i);
            JobOutcome o = outcomes[i];
            all.add(o != null ? o : new JobOutcome(i, j.account(), j.gpus(), cluster.gang(j.gpus())[0], j.submit(),
                    null, null, "PENDING", 0, cluster.minimumLeaves(cluster.gang(j.gpus())[0])));
        }
        flushLog();
        int hours = (int) Math.ceil(seconds(lastEnd) / 3600);
        while (hourlyAllocated.size() > hours) {
            hourlyAllocated.remove(hourlyAllocated.size() - 1);
            hourlyPending.remove(hourlyPending.size() - 1);
        }
        java.util.SortedMap<String, RunResult.AccountTime> accountTimes = new TreeMap<>();
        for (int a = 0; a < accountNames.size(); a++) {
            accountTimes.put(accountNames.get(a), new RunResult.AccountTime(waitingSeconds[a], heldWhileWaiting[a]));
        }
        return new RunResult(policy.name(), first, lastEnd, all, cluster.totalGpus(), allocatedGpuSeconds, queuedSeconds,
                idleWhileQueued, partialFreeWhileQueued, toArray(hourlyAllocated), toArray(hourlyPending), steps,
                HexFormat.of().formatHex(digest.digest()), System.nanoTime() - wall0, accountTimes);
    }

    /** The spec a trace job is submitted with; its name is its trace index. */
    private JobSpec spec(TraceJob j) {
        int[] gang = cluster.gang(j.gpus());
        Duration limit = policy.oracleLimits() ? ceilSeconds(j.duration()) : j.limit();
        if (limit == null) {
            throw new IllegalArgumentException(j.source() + ": job has no time limit (apply TimeLimits first)");
        }
        return new JobSpec(Integer.toString(j.index()), j.account(), j.account(), "", gang[0], 1, gang[1], limit,
                "#!/bin/bash\n", List.of(), "/", "", "", new TreeMap<>(), false);
    }

    private static Duration ceilSeconds(Duration d) {
        long s = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, s));
    }

    /** Exits of attempts the agents no longer run (killed earlier) never reach the engine. */
    private List<Event> dropStale(List<Event> batch) {
        List<Event> out = new ArrayList<>(batch.size());
        for (Event e : batch) {
            if (e instanceof Event.AllocationEnded a) {
                Integer attempt = alive.get(a.job());
                if (attempt == null || attempt != a.attempt()) {
                    continue;
                }
                alive.remove(a.job());
            }
            out.add(e);
        }
        return out;
    }

    private void apply(Instant now, List<Event> batch, StepResult result) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) instanceof Event.JobSubmitted s) {
                int index = Integer.parseInt(s.spec().name());
                switch (result.outcomes().get(i)) {
                    case Outcome.JobAccepted a -> {
                        traceIndexOf.put(a.job(), index);
                        pending++;
                        pendingOf[accountIndex.get(trace.jobs().get(index).account())]++;
                    }
                    case Outcome.Rejected r -> {
                        TraceJob j = trace.jobs().get(index);
                        int nodes = cluster.gang(j.gpus())[0];
                        outcomes[index] = new JobOutcome(index, j.account(), j.gpus(), nodes, j.submit(), null, null,
                                "REJECTED", 0, cluster.minimumLeaves(nodes));
                        log(now, "reject trace=" + index + " reason=" + r.message());
                    }
                    default -> {
                    }
                }
            }
        }
        for (StateChange c : result.changes()) {
            if (c instanceof StateChange.JobUpserted u && u.job().state().isTerminal()) {
                ended(now, u.job());
            }
        }
        for (Effect e : result.effects()) {
            switch (e) {
                case Effect.LaunchJob l -> started(now, l);
                case Effect.KillJob k -> {
                    // TERM or KILL of an attempt the agent still runs: its script exits at once.
                    Integer attempt = alive.get(k.job());
                    if (attempt != null && attempt == k.attempt()) {
                        queue.push(now, new Event.AllocationEnded(now, batchNodes.get(k.job()), k.job(), k.attempt(),
                                143, ""));
                    }
                }
                case Effect.ScheduleTimer t -> queue.push(t.at().isBefore(now) ? now : t.at(),
                        new Event.TimerFired(t.at().isBefore(now) ? now : t.at(), t.key()));
                case Effect.RelaunchOnNode r -> {
                    // Only after an agent restart, which the simulator never plays.
                }
            }
        }
    }

    private void started(Instant now, Effect.LaunchJob l) {
        Job job = l.job();
        int index = traceIndexOf.get(job.id());
        TraceJob t = trace.jobs().get(index);
        alive.put(job.id(), job.attempt());
        batchNodes.put(job.id(), l.nodes().get(0).name());
        queue.push(now.plus(t.duration()), new Event.AllocationEnded(now.plus(t.duration()),
                l.nodes().get(0).name(), job.id(), job.attempt(), 0, ""));
        java.util.BitSet leaves = new java.util.BitSet();
        for (NodeAllocation a : job.allocation()) {
            leaves.set(ClusterShape.leafOf(a.node()));
            use(ClusterShape.indexOf(a.node()), a.gpus().size());
        }
        pending--;
        int account = accountIndex.get(t.account());
        pendingOf[account]--;
        heldOf[account] += job.spec().totalGpus();
        int nodes = job.allocation().size();
        outcomes[index] = new JobOutcome(index, t.account(), job.spec().totalGpus(), nodes, t.submit(), now, null,
                "RUNNING", leaves.cardinality(), cluster.minimumLeaves(nodes));
        log(now, "start job=" + job.id().value() + " trace=" + index + " gpus=" + job.spec().totalGpus() + " nodes="
                + l.nodelist());
    }

    private void ended(Instant now, Job job) {
        Integer index = traceIndexOf.get(job.id());
        if (index == null) {
            return;
        }
        JobOutcome o = outcomes[index];
        if (o == null || o.start() == null) {
            pending--; // ended while pending (not in the simulator's workloads, but counted right)
            TraceJob t = trace.jobs().get(index);
            pendingOf[accountIndex.get(t.account())]--;
            outcomes[index] = new JobOutcome(index, t.account(), t.gpus(), cluster.gang(t.gpus())[0], t.submit(), null,
                    now, job.state().name(), 0, cluster.minimumLeaves(cluster.gang(t.gpus())[0]));
        } else {
            for (NodeAllocation a : job.allocation()) {
                use(ClusterShape.indexOf(a.node()), -a.gpus().size());
            }
            heldOf[accountIndex.get(o.account())] -= job.spec().totalGpus();
            outcomes[index] = new JobOutcome(index, o.account(), o.gpus(), o.nodes(), o.submit(), o.start(), now,
                    job.state().name(), o.leaves(), o.minLeaves());
        }
        alive.remove(job.id());
        batchNodes.remove(job.id());
        lastEnd = now;
        log(now, "end job=" + job.id().value() + " trace=" + index + " state=" + job.state().name());
    }

    /** {@code delta} more GPUs in use on node {@code i}. */
    private void use(int i, int delta) {
        int g = cluster.gpusPerNode();
        partialFree -= partialFreeOf(usedOnNode[i], g);
        usedOnNode[i] += delta;
        if (usedOnNode[i] < 0 || usedOnNode[i] > g) {
            // The engine promised never to over-allocate a node: a bug, not an outcome.
            throw new IllegalStateException("node " + cluster.nodeName(i) + " holds " + usedOnNode[i] + " GPUs of " + g);
        }
        partialFree += partialFreeOf(usedOnNode[i], g);
        allocatedGpus += delta;
    }

    private static int partialFreeOf(int used, int gpus) {
        return used > 0 && used < gpus ? gpus - used : 0;
    }

    /** Integrates the cluster's state from the last step to {@code now}, hour by hour. */
    private void advance(Instant now) {
        if (!now.isAfter(last)) {
            return;
        }
        double from = seconds(last);
        double to = seconds(now);
        double dt = to - from;
        allocatedGpuSeconds += allocatedGpus * dt;
        if (pending > 0) {
            int free = cluster.totalGpus() - allocatedGpus;
            queuedSeconds += dt;
            idleWhileQueued += free * dt;
            partialFreeWhileQueued += partialFree * dt;
        }
        for (int a = 0; a < pendingOf.length; a++) {
            if (pendingOf[a] > 0) {
                waitingSeconds[a] += dt;
                heldWhileWaiting[a] += heldOf[a] * dt;
            }
        }
        double t = from;
        while (t < to) {
            int hour = (int) (t / 3600);
            double edge = Math.min(to, (hour + 1) * 3600.0);
            while (hourlyAllocated.size() <= hour) {
                hourlyAllocated.add(0.0);
                hourlyPending.add(0.0);
            }
            hourlyAllocated.set(hour, hourlyAllocated.get(hour) + allocatedGpus * (edge - t) / 3600);
            hourlyPending.set(hour, hourlyPending.get(hour) + pending * (edge - t) / 3600);
            t = edge;
        }
        last = now;
    }

    private double seconds(Instant t) {
        return Duration.between(first, t).toMillis() / 1000.0;
    }

    private final StringBuilder pendingLog = new StringBuilder();

    private void log(Instant now, String line) {
        pendingLog.append(now).append(' ').append(line).append('\n');
        if (pendingLog.length() > 1 << 16) {
            flushLog();
        }
    }

    private void flushLog() {
        byte[] bytes = pendingLog.toString().getBytes(StandardCharsets.UTF_8);
        digest.update(bytes);
        if (log != null) {
            try {
                log.write(pendingLog.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the decision log: " + e.getMessage(), e);
            }
        }
        pendingLog.setLength(0);
    }

    private static double[] toArray(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
