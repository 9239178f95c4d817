package dev.rota.daemon.metrics;

import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobState;
import dev.rota.daemon.loop.EngineLoop;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's Prometheus metrics (every one is described in docs/metrics.md).
 *
 * <p>Where the numbers come from, so that metrics never slow the scheduler:
 * <ul>
 *   <li>Gauges about jobs, nodes and GPUs read the engine loop's published {@link ClusterSnapshot},
 *       never the engine. They are counted ({@link ClusterCounts}) at most once per published step,
 *       on the scraping thread, when a scrape finds a newer snapshot than the last one counted.</li>
 *   <li>Counters of job starts and ends, and the queue wait histogram, are fed by
 *       {@link #published}: on the loop thread, for each step, at the cost of the jobs the step
 *       changed (one lookup in the previous snapshot each), never of the queue.</li>
 *   <li>gRPC calls and submissions are counted by {@link #grpc()}, an interceptor.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #scrape} may be called from several threads; they take turns, so that a
 * scrape never sees the cluster gauges half re-registered.
 */
public final class DaemonMetrics implements EngineLoop.StepListener {
    private static final Logger LOG = Logger.getLogger(DaemonMetrics.class.getName());
    /** Bucket bounds of the queue wait histogram: a second to a week. */
    private static final Duration[] WAIT_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
        Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6),
        Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(7)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final String partition;
    private final Timer stepTimer;
    private final Timer commitTimer;
    private final Counter events;
    private final Counter engineStops;
    private final Counter starts;
    private final Counter requeues;
    private final Map<JobState, Counter> ends = new EnumMap<>(JobState.class);
    private final Timer queueWait;
    private final GrpcMetrics grpc;
    private final MultiGauge jobs;
    private final MultiGauge accountJobs;
    private final MultiGauge pendingByReason;
    private final MultiGauge gpus;
    private final MultiGauge nodes;
    private final MultiGauge fragmentation;
    private final dev.rota.core.topology.Topology topology;
    private final MultiGauge leafFreeNodes;
    private volatile int largestLeafGang;
    private final MultiGauge oldestPending;
    private final MultiGauge shareUsage;
    private final MultiGauge normShares;
    private final MultiGauge normUsage;
    private final MultiGauge levelFairness;

    private volatile Supplier<ClusterSnapshot> snapshots = ClusterSnapshot::empty;
    private volatile boolean engineRunning = true;
    private volatile IntSupplier agentsConnected = () -> 0;
    private volatile LongSupplier maxAgentSilenceNanos = () -> 0;
    private volatile Optional<Path> storeDir = Optional.empty();
    private volatile StoreFiles storeFiles = new StoreFiles(0, 0);
    /** The step last counted into the multi-gauges; guarded by {@code this}. */
    private long countedStep = -1;

    /** @param partition the partition every node belongs to (the engine's default partition) */
    public DaemonMetrics(String partition) {
        this(partition, dev.rota.core.topology.Topology.flat());
    }

    /**
     * @param partition the partition every node belongs to (the engine's default partition)
     * @param topology  the network placement uses: free capacity is also exported per leaf switch
     */
    public DaemonMetrics(String partition, dev.rota.core.topology.Topology topology) {
        this.partition = partition;
        this.topology = topology;
        // Filters first: Micrometer applies them only to meters registered after them.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")));
        stepTimer = Timer.builder("rota_engine_step_seconds")
                .description("Time the engine takes to handle one batch of events, scheduling cycle included "
                        + "(excluding the store commit)")
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
        starts = Counter.builder("rota_job_starts_total")
                .description("Job starts (every attempt: a requeued job starts again)").register(registry);
        requeues = Counter.builder("rota_job_requeues_total")
                .description("Running jobs sent back to the queue after a node failure").register(registry);
        for (JobState s : JobState.values()) {
            if (s.isTerminal()) {
                ends.put(s, Counter.builder("rota_job_ends_total")
                        .description("Jobs that reached a terminal state, by that state")
                        .tag("state", label(s)).register(registry));
            }
        }
        queueWait = Timer.builder("rota_queue_wait_seconds")
                .description("Time from submission to first start, observed when a job first starts")
                .serviceLevelObjectives(WAIT_BUCKETS).register(registry);
        grpc = new GrpcMetrics(registry);
        jobs = MultiGauge.builder("rota_jobs")
                .description("Jobs the engine holds, by partition and state (finished ones only while held in "
                        + "memory: the most recent 10,000; count ends with rota_job_ends_total)").register(registry);
        accountJobs = MultiGauge.builder("rota_account_jobs")
                .description("Pending and running jobs by account, partition and state (accounts beyond 100 "
                        + "share the account label _other)").register(registry);
        pendingByReason = MultiGauge.builder("rota_pending_jobs")
                .description("Pending jobs by reason: Resources, Priority, ReqNodeNotAvail, NodeFail (requeued), "
                        + "None (not yet considered), Other").register(registry);
        gpus = MultiGauge.builder("rota_gpus")
                .description("GPUs by model, partition and state: allocated, idle (free on a node taking work), "
                        + "drained (free on a draining or drained node), down (free on a node whose agent is away)")
                .register(registry);
        nodes = MultiGauge.builder("rota_nodes").description("Nodes by partition and state").register(registry);
        fragmentation = MultiGauge.builder("rota_gpu_fragmentation_ratio")
                .description("Share of the idle GPUs that sit on partly allocated nodes (0 when none is idle): "
                        + "near 1, no whole node is free for jobs that want full nodes").register(registry);
        leafFreeNodes = MultiGauge.builder("rota_leaf_free_nodes")
                .description("Nodes of each leaf switch (or NVLink block) with every GPU free and open to work: the "
                        + "largest whole-node gang the leaf could still take (rotad --topology)").register(registry);
        Gauge.builder("rota_largest_leaf_gang_nodes", () -> largestLeafGang)
                .description("The most whole free nodes under one leaf switch: the biggest whole-node gang that can "
                        + "start inside one leaf now").register(registry);
        oldestPending = MultiGauge.builder("rota_queue_oldest_pending_submit_timestamp_seconds")
                .description("Submit time (Unix seconds) of the longest-waiting pending job; absent when none "
                        + "is pending").register(registry);
        shareUsage = MultiGauge.builder("rota_fairshare_usage_gpu_seconds")
                .description("Decayed GPU-seconds used by each account's subtree, as the last full scheduling "
                        + "cycle judged (the fair-share tree)").register(registry);
        normShares = MultiGauge.builder("rota_fairshare_norm_shares")
                .description("Each account's shares over its siblings' shares (0..1)").register(registry);
        normUsage = MultiGauge.builder("rota_fairshare_norm_usage")
                .description("Each account's decayed usage over its siblings' usage (0..1)").register(registry);
        levelFairness = MultiGauge.builder("rota_fairshare_level_fairness")
                .description("Each account's norm shares over its norm usage: above 1 it used less than its share "
                        + "and its users' jobs rank higher; +Inf when it used nothing").register(registry);
        Gauge.builder("rota_agents_connected", () -> agentsConnected.getAsInt())
                .description("Agents with an open stream to this daemon").register(registry);
        Gauge.builder("rota_agent_heartbeat_age_max_seconds", () -> maxAgentSilenceNanos.getAsLong() / 1e9)
                .description("Longest time any connected agent has sent nothing (agents heartbeat every 5 s by "
                        + "default; a stream silent for 15 s is closed)").register(registry);
        Gauge.builder("rota_store_wal_bytes", () -> storeFiles.walBytes())
                .description("Bytes in RocksDB write-ahead log files").register(registry);
        Gauge.builder("rota_store_sst_bytes", () -> storeFiles.sstBytes())
                .description("Bytes in RocksDB table (SST) files").register(registry);
        bindJvmMetrics(registry);
    }

    /**
     * Binds the JVM and process metrics. The constructor's filter leaves out the two whose names
     * {@code promtool check metrics} rejects ({@code process_cpu_time_ns_total}, {@code system_cpu_count});
     * the CPU time is exported as the conventional {@code process_cpu_seconds_total} instead.
     */
    private static void bindJvmMetrics(MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process_cpu_seconds_total", os, o -> o.getProcessCpuTime() / 1e9)
                    .description("CPU time this process used, in seconds").register(registry);
        }
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

    /**
     * Where the agent gauges read from.
     *
     * @param connected       how many agents have a stream open
     * @param maxSilenceNanos the longest silence of a connected agent, in nanoseconds (0 with none)
     */
    public void watchAgents(IntSupplier connected, LongSupplier maxSilenceNanos) {
        this.agentsConnected = connected;
        this.maxAgentSilenceNanos = maxSilenceNanos;
    }

    /** The RocksDB directory whose WAL and SST files are sized on each scrape. */
    public void watchStore(Path dir) {
        this.storeDir = Optional.of(dir);
    }

    /** The interceptor that counts gRPC calls and submissions; install it on every service. */
    public ServerInterceptor grpc() {
        return grpc;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void stepped(int eventCount, long stepNanos, long commitNanos) {
        events.increment(eventCount);
        stepTimer.record(stepNanos, TimeUnit.NANOSECONDS);
        commitTimer.record(commitNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Counts the step's job transitions: for each job the step changed, its final value in
     * {@code after} against its value in {@code before}. O(changes).
     */
    @Override
    public void published(ClusterSnapshot before, ClusterSnapshot after, List<StateChange> changes) {
        try {
            count(before, after, changes);
        } catch (RuntimeException e) {
            // On the engine thread: a bug in counting must cost a wrong counter, never the scheduler.
            LOG.log(Level.WARNING, "cannot count the step's job transitions", e);
        }
    }

    private void count(ClusterSnapshot before, ClusterSnapshot after, List<StateChange> changes) {
        for (StateChange c : changes) {
            if (!(c instanceof StateChange.JobUpserted u)) {
                continue;
            }
            Job now = u.job();
            Job last = after.jobs().get(now.id());
            // A job changed twice in one step is counted once, at its final value; a finished job the
            // engine no longer holds is counted at the value that finished it.
            if (last != null ? last != now : !now.state().isTerminal()) {
                continue;
            }
            transition(before.jobs().get(now.id()), now);
        }
    }

    private void transition(Job was, Job now) {
        double energy = now.energyJoules().orElse(0) - (was == null ? 0 : was.energyJoules().orElse(0));
        if (energy > 0) {
            Counter.builder("rota_account_energy_joules_total")
                    .description("Energy drawn by the GPUs of each account's jobs, in joules, as the agents report it "
                            + "when they release a job (counted since this rotad started)")
                    .tag("account", now.spec().account()).register(registry).increment(energy);
        }
        int startsBefore = was == null ? 0 : was.attempt();
        if (now.attempt() > startsBefore) {
            starts.increment(now.attempt() - startsBefore);
            if (startsBefore == 0 && now.startTime() != null) {
                queueWait.record(Duration.between(now.submitTime(), now.startTime()));
            }
        }
        if (was != null && was.state() == JobState.RUNNING && now.state() == JobState.PENDING) {
            requeues.increment();
        }
        if (now.state().isTerminal() && (was == null || !was.state().isTerminal())) {
            ends.get(now.state()).increment();
        }
    }

    @Override
    public void stopped(String why) {
        engineRunning = false;
        engineStops.increment();
    }

    /** The Prometheus text exposition, the cluster counted from the latest snapshot. */
    public synchronized String scrape() {
        refresh();
        return registry.scrape();
    }

    /** Recounts the cluster gauges if a newer snapshot was published, and sizes the store's files. */
    private void refresh() {
        storeDir.ifPresent(dir -> {
            try {
                storeFiles = StoreFiles.in(dir);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "cannot size the store's files", e);
            }
        });
        ClusterSnapshot s = snapshots.get();
        if (s.step() == countedStep) {
            return;
        }
        ClusterCounts c = ClusterCounts.of(s, partition);
        jobs.register(rows(c.jobs(), k -> Tags.of("partition", k.partition(), "state", label(k.state()))), true);
        accountJobs.register(rows(c.activeByAccount(), k -> Tags.of("account", k.account(),
                "partition", k.partition(), "state", label(k.state()))), true);
        pendingByReason.register(rows(c.pendingByReason(), r -> Tags.of("reason", r)), true);
        gpus.register(rows(c.gpus(), k -> Tags.of("model", k.model(), "partition", k.partition(),
                "state", k.state().name().toLowerCase(Locale.ROOT))), true);
        nodes.register(rows(c.nodes(), k -> Tags.of("partition", k.partition(), "state", label(k.state()))), true);
        fragmentation.register(rows(c.fragmentation(), p -> Tags.of("partition", p)), true);
        LeafCapacity leaves = LeafCapacity.of(s, topology);
        leafFreeNodes.register(rows(leaves.byLeaf(), l -> Tags.of("leaf", l)), true);
        largestLeafGang = leaves.largest();
        oldestPending.register(c.oldestPendingSubmit()
                .map(t -> List.of(MultiGauge.Row.of(Tags.empty(), (Number) (t.toEpochMilli() / 1000.0))))
                .orElse(List.of()), true);
        shareUsage.register(shareRows(c, ClusterCounts.AccountShare::usage), true);
        normShares.register(shareRows(c, ClusterCounts.AccountShare::normShares), true);
        normUsage.register(shareRows(c, ClusterCounts.AccountShare::normUsage), true);
        levelFairness.register(shareRows(c, ClusterCounts.AccountShare::levelFairness), true);
        countedStep = s.step();
    }

    private static <K> List<MultiGauge.Row<?>> rows(Map<K, ? extends Number> values,
            java.util.function.Function<K, Tags> tags) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>(values.size());
        values.forEach((k, v) -> rows.add(MultiGauge.Row.of(tags.apply(k), v)));
        return rows;
    }

    private static List<MultiGauge.Row<?>> shareRows(ClusterCounts c,
            java.util.function.ToDoubleFunction<ClusterCounts.AccountShare> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>(c.shares().size());
        for (ClusterCounts.AccountShare a : c.shares()) {
            rows.add(MultiGauge.Row.of(Tags.of("account", a.account()), (Number) value.applyAsDouble(a)));
        }
        return rows;
    }

    private static String label(Enum<?> state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
