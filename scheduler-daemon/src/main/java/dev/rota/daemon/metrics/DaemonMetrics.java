package dev.rota.daemon.metrics;

import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.NodeView;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobState;
import dev.rota.core.node.NodeState;
import dev.rota.daemon.loop.EngineLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The daemon's Prometheus metrics. Gauges read the engine loop's published snapshot, never the
 * engine itself, and the counts are computed once per snapshot step, not once per gauge.
 * Thread-safe.
 */
public final class DaemonMetrics implements EngineLoop.StepListener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer stepTimer;
    private final Timer commitTimer;
    private final Counter events;
    private volatile Supplier<ClusterSnapshot> snapshots = ClusterSnapshot::empty;
    private volatile boolean engineRunning = true;
    private final Counter engineStops;
    private volatile Counts counts = new Counts(-1, new EnumMap<>(JobState.class), new EnumMap<>(NodeState.class), 0,
            0, 0);

    private record Counts(long step, Map<JobState, Integer> jobs, Map<NodeState, Integer> nodes, int gpusTotal,
            int gpusAllocated, int gpusUnavailable) {
    }

    public DaemonMetrics() {
        stepTimer = Timer.builder("rota_engine_step_seconds")
                .description("Time the engine takes to handle one batch of events (excluding the store commit)")
                .publishPercentileHistogram().register(registry);
        commitTimer = Timer.builder("rota_store_commit_seconds")
                .description("Time to write and sync one engine step's changes to RocksDB")
                .publishPercentileHistogram().register(registry);
        events = Counter.builder("rota_engine_events_total").description("Events handled by the engine")
                .register(registry);
        Gauge.builder("rota_engine_running", () -> engineRunning ? 1 : 0)
                .description("1 while the engine loop accepts work; 0 once it stopped (for example after a failed "
                        + "store commit: the daemon then acknowledges nothing)").register(registry);
        engineStops = Counter.builder("rota_engine_stops_total")
                .description("Times the engine loop stopped; see the log for why").register(registry);
        for (JobState s : JobState.values()) {
            Gauge.builder("rota_jobs", () -> counts().jobs().getOrDefault(s, 0))
                    .description("Jobs the daemon knows, by state").tag("state", s.name().toLowerCase())
                    .register(registry);
        }
        for (NodeState s : NodeState.values()) {
            Gauge.builder("rota_nodes", () -> counts().nodes().getOrDefault(s, 0))
                    .description("Nodes by state").tag("state", s.name().toLowerCase()).register(registry);
        }
        Gauge.builder("rota_gpus", () -> counts().gpusAllocated()).description("GPUs by state")
                .tag("state", "allocated").register(registry);
        Gauge.builder("rota_gpus", () -> counts().gpusTotal() - counts().gpusAllocated() - counts().gpusUnavailable())
                .description("GPUs by state").tag("state", "idle").register(registry);
        Gauge.builder("rota_gpus", () -> counts().gpusUnavailable()).description("GPUs by state")
                .tag("state", "unavailable").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Where gauges read the cluster from. */
    public void readFrom(Supplier<ClusterSnapshot> source) {
        this.snapshots = source;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A counter of submissions by outcome ("accepted", "rejected", "invalid"). */
    public Counter submissions(String outcome) {
        return Counter.builder("rota_job_submissions_total").description("Job submissions by outcome")
                .tag("outcome", outcome).register(registry);
    }

    @Override
    public void stepped(int eventCount, long stepNanos, long commitNanos) {
        events.increment(eventCount);
        stepTimer.record(stepNanos, TimeUnit.NANOSECONDS);
        commitTimer.record(commitNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void stopped(String why) {
        engineRunning = false;
        engineStops.increment();
    }

    public String scrape() {
        return registry.scrape();
    }

    private Counts counts() {
        ClusterSnapshot s = snapshots.get();
        Counts c = counts;
        if (c.step() == s.step()) {
            return c;
        }
        Map<JobState, Integer> jobs = new EnumMap<>(JobState.class);
        for (Job j : s.jobs().values()) {
            jobs.merge(j.state(), 1, Integer::sum);
        }
        Map<NodeState, Integer> nodes = new EnumMap<>(NodeState.class);
        int total = 0;
        int allocated = 0;
        int unavailable = 0;
        for (NodeView n : s.nodes()) {
            nodes.merge(n.state(), 1, Integer::sum);
            total += n.gpusTotal();
            allocated += n.gpusAllocated();
            if (n.state() == NodeState.DOWN || n.state() == NodeState.NOT_RESPONDING || n.state() == NodeState.DRAINED
                    || n.state() == NodeState.DRAINING) {
                unavailable += n.gpusTotal() - n.gpusAllocated();
            }
        }
        c = new Counts(s.step(), jobs, nodes, total, allocated, unavailable);
        counts = c;
        return c;
    }
}
