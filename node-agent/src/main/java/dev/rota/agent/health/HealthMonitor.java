package dev.rota.agent.health;

import dev.rota.agent.gpu.Gpu;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches this node's health: every {@code interval} it reads the GPUs and the kernel log, judges
 * what it read with a {@link HealthPolicy}, and keeps the {@link #current()} report; the admin's
 * {@link HealthCheckProgram}, when configured, runs on its own interval and its latest result joins
 * every assessment. Listeners hear of every change of verdict (faults or warnings), not of every
 * new reading. Each change is logged once.
 *
 * <p>{@link #start} runs the first poll and the first check before it returns, so the agent
 * registers with a real verdict; it blocks for at most the sources' own timeouts.
 *
 * <p><b>Threading.</b> Thread-safe. Polls and assessments run on one daemon thread
 * ({@code rota-health-NODE}), the check program on another ({@code rota-health-check-NODE}), so a slow
 * program never delays GPU polls. Listeners run on the polling thread and must not block.
 * Nothing a source does can stop the polling: sources answer values, and a bug in an assessment is
 * logged and the next poll runs anyway.
 */
public final class HealthMonitor implements AutoCloseable {

    /** How often the GPUs are polled by default, in seconds. */
    public static final long DEFAULT_INTERVAL_SECONDS = 10;
    /** How often the GPUs are polled by default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS);

    private static final Logger LOG = Logger.getLogger(HealthMonitor.class.getName());

    /**
     * What to watch.
     *
     * @param registered the GPUs the agent registered
     * @param gpus       where GPU readings come from; empty for fake GPUs
     * @param kernelLog  where XIDs come from; empty when not watched
     * @param check      the admin's health check program, if any
     */
    public record Sources(List<Gpu> registered, Optional<GpuHealthSource> gpus, Optional<KernelLog> kernelLog,
            Optional<HealthCheckProgram> check) {
        public Sources {
            registered = List.copyOf(registered);
            Objects.requireNonNull(gpus, "gpus");
            Objects.requireNonNull(kernelLog, "kernelLog");
            Objects.requireNonNull(check, "check");
        }

        /** Whether anything is watched at all. */
        boolean any() {
            return gpus.isPresent() || kernelLog.isPresent() || check.isPresent();
        }
    }

    private final String nodeName;
    private final Sources sources;
    private final HealthPolicy policy;
    private final ScheduledExecutorService poller;
    private final ScheduledExecutorService checker;
    private final List<Consumer<HealthReport>> listeners = new CopyOnWriteArrayList<>();

    // Confined to the polling thread.
    private Observation observation;
    private int failedGpuReads;

    private volatile Optional<HealthCheckProgram.Result> check = Optional.empty();
    private volatile HealthReport current = HealthReport.HEALTHY;

    private HealthMonitor(String nodeName, Sources sources, HealthPolicy policy) {
        this.nodeName = nodeName;
        this.sources = sources;
        this.policy = policy;
        this.observation = Observation.nothing(sources.registered());
        this.poller = executor("rota-health-" + nodeName);
        this.checker = executor("rota-health-check-" + nodeName);
    }

    /**
     * Polls once, runs the check program once, then keeps doing both in the background.
     *
     * @param interval time between the end of one GPU poll and the start of the next
     */
    public static HealthMonitor start(String nodeName, Sources sources, HealthPolicy policy, Duration interval) {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(sources, "sources");
        Objects.requireNonNull(policy, "policy");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        HealthMonitor m = new HealthMonitor(nodeName, sources, policy);
        if (!sources.any()) {
            m.current = policy.assess(m.observation);
            m.poller.shutdown();
            m.checker.shutdown();
            return m;
        }
        boolean watchesGpus = sources.gpus().isPresent() || sources.kernelLog().isPresent();
        if (watchesGpus) {
            m.await(m.poller, m::poll);
        }
        sources.check().ifPresent(c -> {
            m.await(m.checker, m::runCheck);
            // runCheck handed its result to the polling thread; wait for that assessment too.
            m.await(m.poller, () -> { });
        });
        if (watchesGpus) {
            m.poller.scheduleWithFixedDelay(m::poll, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
        }
        sources.check().ifPresent(c -> m.checker.scheduleWithFixedDelay(m::runCheck, c.interval().toNanos(),
                c.interval().toNanos(), TimeUnit.NANOSECONDS));
        return m;
    }

    /** The latest report; {@link HealthReport#HEALTHY} when nothing is watched. Never blocks. */
    public HealthReport current() {
        return current;
    }

    /** Calls {@code listener} with each report whose verdict differs from the one before. */
    public void addListener(Consumer<HealthReport> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops polling and kills a running check program. Idempotent. */
    @Override
    public void close() {
        poller.shutdownNow();
        checker.shutdownNow();
    }

    // ---- on the polling thread ----

    private void poll() {
        try {
            Optional<Reading<GpuReadout>> gpus = sources.gpus().map(GpuHealthSource::read);
            if (gpus.isPresent()) {
                failedGpuReads = gpus.get() instanceof Reading.Unavailable<GpuReadout> ? failedGpuReads + 1 : 0;
            }
            Optional<Reading<List<XidEvent>>> xids = sources.kernelLog().map(log -> switch (log.read()) {
                case Reading.Value<String> v -> Reading.of(XidEvent.parse(v.value()));
                case Reading.Unavailable<String> u -> Reading.<List<XidEvent>>unavailable(u.why());
            });
            observation = new Observation(sources.registered(), gpus, failedGpuReads, xids, check);
            publish();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, nodeName + ": health poll failed", e);
        }
    }

    private void reassess() {
        try {
            observation = observation.withCheck(check);
            publish();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, nodeName + ": health assessment failed", e);
        }
    }

    private void publish() {
        HealthReport before = current;
        HealthReport now = policy.assess(observation);
        current = now;
        if (now.sameVerdict(before)) {
            return;
        }
        logChange(before, now);
        for (Consumer<HealthReport> l : listeners) {
            try {
                l.accept(now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "health listener failed", e);
            }
        }
    }

    private void logChange(HealthReport before, HealthReport now) {
        for (String f : added(before.faults(), now.faults())) {
            LOG.warning(nodeName + ": unhealthy: " + f);
        }
        if (!before.healthy() && now.healthy()) {
            LOG.info(nodeName + ": no fatal condition any more (a drained node stays drained until an admin"
                    + " resumes it)");
        }
        for (String w : added(before.warnings(), now.warnings())) {
            LOG.info(nodeName + ": health warning: " + w);
        }
        for (String w : added(now.warnings(), before.warnings())) {
            LOG.info(nodeName + ": health warning cleared: " + w);
        }
    }

    private static List<String> added(List<String> before, List<String> now) {
        List<String> out = new ArrayList<>(now);
        out.removeAll(before);
        return out;
    }

    // ---- on the check thread ----

    private void runCheck() {
        try {
            HealthCheckProgram program = sources.check().orElseThrow();
            check = Optional.of(program.run(nodeName));
            poller.execute(this::reassess);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing.
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, nodeName + ": health check failed to run", e);
        }
    }

    // ---- helpers ----

    private void await(ScheduledExecutorService on, Runnable task) {
        try {
            on.submit(task).get();
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, nodeName + ": first health poll failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ScheduledExecutorService executor(String name) {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }
}
