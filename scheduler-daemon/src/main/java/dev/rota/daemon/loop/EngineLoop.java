package dev.rota.daemon.loop;

import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.Effect;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.Outcome;
import dev.rota.core.engine.SchedulerEngine;
import dev.rota.core.engine.StateChange;
import dev.rota.core.engine.StepResult;
import dev.rota.core.job.Job;
import dev.rota.daemon.store.StateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single writer. One thread takes events from a bounded inbox, stamps them with the time, hands
 * them to the {@link SchedulerEngine} in batches, commits each batch's changes in one durable write
 * (group commit), publishes a new {@link ClusterSnapshot}, then carries out the effects and only then
 * completes the callers' futures: a caller is never told "done" before its change is durable.
 *
 * <p>Thread-safety: {@link #submit} and {@link #snapshot} may be called from any thread.
 * If a commit fails the loop stops for good: every queued and later request fails with
 * {@link LoopStopped}, because the daemon can no longer promise durability.
 */
public final class EngineLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EngineLoop.class.getName());

    private final SchedulerEngine engine;
    private final StateStore store;
    private final EffectSink effects;
    private final Clock clock;
    private final int maxBatch;
    private final BlockingQueue<Request> inbox;
    private final AtomicReference<ClusterSnapshot> snapshot;
    private final Thread thread;
    private final StepListener listener;
    private volatile String stoppedBecause;
    /** Monitor notified after each publish, for {@link #await}. */
    private final Object published = new Object();

    /** One queued event and who waits for its outcome. */
    private record Request(Function<Instant, Event> event, CompletableFuture<Outcome> reply) {
    }

    /** Observes each step (metrics); called on the loop thread, must be cheap. */
    public interface StepListener {
        void stepped(int events, long stepNanos, long commitNanos);

        /**
         * A step's snapshot was published: {@code after} replaced {@code before} because of
         * {@code changes} (already durable). Called before the step's effects are carried out and its
         * callers answered.
         */
        default void published(ClusterSnapshot before, ClusterSnapshot after, List<StateChange> changes) {
        }

        /** The loop stopped for good, for the reason given (a failed commit, shutdown, a bug). */
        default void stopped(String why) {
        }

        StepListener NONE = (events, stepNanos, commitNanos) -> { };

        /** Each of {@code listeners}, in order, for every call. */
        static StepListener all(StepListener... listeners) {
            List<StepListener> each = List.of(listeners);
            return new StepListener() {
                @Override
                public void stepped(int events, long stepNanos, long commitNanos) {
                    each.forEach(l -> l.stepped(events, stepNanos, commitNanos));
                }

                @Override
                public void published(ClusterSnapshot before, ClusterSnapshot after, List<StateChange> changes) {
                    each.forEach(l -> l.published(before, after, changes));
                }

                @Override
                public void stopped(String why) {
                    each.forEach(l -> l.stopped(why));
                }
            };
        }
    }

    /**
     * @param maxBatch    most events handled in one step (and one synced write)
     * @param inboxCapacity bound on queued events; {@link #submit} fails fast when full
     */
    public EngineLoop(SchedulerEngine engine, StateStore store, EffectSink effects, Clock clock, int maxBatch,
            int inboxCapacity, StepListener listener) {
        this.engine = engine;
        this.store = store;
        this.effects = effects;
        this.clock = clock;
        this.maxBatch = maxBatch;
        this.inbox = new ArrayBlockingQueue<>(inboxCapacity);
        this.snapshot = new AtomicReference<>(engine.snapshot());
        this.listener = listener;
        this.thread = new Thread(this::run, "rota-engine");
        this.thread.setDaemon(true);
    }

    /** Starts the loop, first carrying out {@code initialEffects} (e.g. timers of a restored engine). */
    public void start(List<Effect> initialEffects) {
        for (Effect e : initialEffects) {
            effects.carryOut(e);
        }
        thread.start();
    }

    /**
     * Queues an event; the loop stamps it with its time. The future completes after the event's
     * step is durable, or exceptionally with {@link LoopStopped} (loop stopped or inbox full).
     */
    public CompletableFuture<Outcome> submit(Function<Instant, Event> event) {
        CompletableFuture<Outcome> reply = new CompletableFuture<>();
        String stopped = stoppedBecause;
        if (stopped != null) {
            reply.completeExceptionally(new LoopStopped(stopped));
        } else if (!inbox.offer(new Request(event, reply))) {
            reply.completeExceptionally(new LoopStopped("the scheduler is overloaded (inbox full); retry"));
        }
        return reply;
    }

    /** The state after the last durable step. Never blocks. */
    public ClusterSnapshot snapshot() {
        return snapshot.get();
    }

    /**
     * Waits until a published snapshot satisfies {@code condition}, or {@code timeout} passes.
     *
     * @return the satisfying snapshot, or empty on timeout
     */
    public java.util.Optional<ClusterSnapshot> await(java.util.function.Predicate<ClusterSnapshot> condition,
            java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (published) {
            while (true) {
                ClusterSnapshot s = snapshot.get();
                if (condition.test(s)) {
                    return java.util.Optional.of(s);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return java.util.Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(published, left);
            }
        }
    }

    /** Why the loop stopped, or null while it runs. */
    public String stoppedBecause() {
        return stoppedBecause;
    }

    public boolean isRunning() {
        return stoppedBecause == null && thread.isAlive();
    }

    private void run() {
        List<Request> batch = new ArrayList<>(maxBatch);
        List<Event> events = new ArrayList<>(maxBatch);
        while (stoppedBecause == null) {
            try {
                Request first = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                inbox.drainTo(batch, maxBatch - 1);
                step(batch, events);
            } catch (InterruptedException e) {
                stop("the daemon is shutting down");
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "engine loop stopped: " + e.getMessage(), e);
                stop("the scheduler stopped after an internal error: " + e.getMessage());
                for (Request r : batch) {
                    r.reply.completeExceptionally(new LoopStopped(stoppedBecause));
                }
            } finally {
                batch.clear();
                events.clear();
            }
        }
        Request r;
        while ((r = inbox.poll()) != null) {
            r.reply.completeExceptionally(new LoopStopped(stoppedBecause));
        }
    }

    private void step(List<Request> batch, List<Event> events) {
        Instant now = clock.instant();
        for (Request r : batch) {
            events.add(r.event.apply(now));
        }
        long t0 = System.nanoTime();
        StepResult result = engine.handle(events);
        long t1 = System.nanoTime();
        store.commit(result.changes());
        long t2 = System.nanoTime();
        ClusterSnapshot before = snapshot.get();
        snapshot.set(nextSnapshot(before, events, result));
        // Before anyone is told: a caller that sees its job accepted then finds it counted.
        listener.published(before, snapshot.get(), result.changes());
        assert snapshot.get().equals(engine.snapshot()) : "published snapshot diverged from the engine";
        synchronized (published) {
            published.notifyAll();
        }
        for (Effect e : result.effects()) {
            try {
                effects.carryOut(e);
            } catch (RuntimeException ex) {
                // Effects are retried by reconciliation; a failed send must not stop the engine.
                LOG.log(Level.WARNING, "could not carry out " + e + ": " + ex.getMessage(), ex);
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).reply.complete(result.outcomes().get(i));
        }
        listener.stepped(batch.size(), t1 - t0, t2 - t1);
    }

    /**
     * The snapshot after {@code result}. {@link SchedulerEngine#snapshot()} copies every job, so on the
     * common path (a step that only queued, re-reasoned or cancelled pending jobs) the snapshot is built
     * from the previous one instead, at the cost of what the step changed: every job the engine changes
     * is a {@link StateChange.JobUpserted}, else it would not be durable. The engine's own snapshot is
     * taken when the step may have changed what the previous one cannot tell: a node view (the step
     * had an effect such as a launch, kill or timer, upserted a node, or handled an event other than a
     * submit or a cancel) or the set of finished jobs the engine keeps (a job ended, which may evict
     * older finished jobs). With assertions on (tests), every step checks the result against the
     * engine's own snapshot.
     */
    private ClusterSnapshot nextSnapshot(ClusterSnapshot previous, List<Event> events, StepResult result) {
        boolean incremental = result.effects().isEmpty();
        for (int i = 0; i < events.size() && incremental; i++) {
            incremental = events.get(i) instanceof Event.JobSubmitted
                    || events.get(i) instanceof Event.JobCancelRequested;
        }
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < result.changes().size() && incremental; i++) {
            switch (result.changes().get(i)) {
                case StateChange.JobUpserted j -> {
                    jobs.add(j.job());
                    incremental = !j.job().state().isTerminal();
                }
                case StateChange.NodeUpserted n -> incremental = false;
                case StateChange.NextJobIdAdvanced a -> {
                }
                case StateChange.UsageCharged u -> incremental = false;
            }
        }
        return incremental ? previous.next(previous.step() + 1, jobs, previous.nodes(),
                engine.estimatedStarts(), engine.judgement()) : engine.snapshot();
    }

    private void stop(String why) {
        if (stoppedBecause == null) {
            stoppedBecause = why;
            listener.stopped(why);
        }
    }

    /** Stops the loop; queued requests fail with {@link LoopStopped}. Waits for the thread to end. */
    @Override
    public void close() {
        stop("the daemon is shutting down");
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The loop no longer accepts work. */
    public static final class LoopStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public LoopStopped(String message) {
            super(message);
        }
    }
}
