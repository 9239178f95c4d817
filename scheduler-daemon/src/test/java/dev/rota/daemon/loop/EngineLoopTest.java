package dev.rota.daemon.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.engine.EngineConfig;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.Outcome;
import dev.rota.core.engine.SchedulerEngine;
import dev.rota.core.engine.StateChange;
import dev.rota.core.job.JobSpec;
import dev.rota.core.node.Gpu;
import dev.rota.daemon.store.InMemoryStateStore;
import dev.rota.daemon.store.StateStore;
import dev.rota.daemon.store.StoreFailure;
import dev.rota.daemon.store.StoredState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EngineLoopTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC);

    /** A store that records each commit's size and can hold or fail commits. */
    static final class ObservedStore implements StateStore {
        final InMemoryStateStore inner = new InMemoryStateStore();
        final List<Integer> commitSizes = new CopyOnWriteArrayList<>();
        volatile CountDownLatch commitEntered = new CountDownLatch(1);
        volatile CountDownLatch hold = new CountDownLatch(0);
        volatile boolean failing;

        @Override
        public StoredState load(int recentFinished) {
            return inner.load(recentFinished);
        }

        @Override
        public java.util.Optional<dev.rota.core.job.Job> finished(dev.rota.core.job.JobId id) {
            return inner.finished(id);
        }

        @Override
        public List<dev.rota.core.job.Job> search(dev.rota.daemon.store.HistoryQuery query) {
            return inner.search(query);
        }

        @Override
        public int purgeEndedBefore(Instant cutoff, int max) {
            return inner.purgeEndedBefore(cutoff, max);
        }

        @Override
        public dev.rota.daemon.audit.AuditLog audit() {
            return inner.audit();
        }

        @Override
        public void commit(List<StateChange> changes) {
            commitEntered.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failing) {
                throw new StoreFailure("No space left on device");
            }
            commitSizes.add(changes.size());
            inner.commit(changes);
        }

        @Override
        public void close() {
        }
    }

    /** Why the loop under test stopped, if it did. */
    private final List<String> stops = new CopyOnWriteArrayList<>();

    private EngineLoop loop(ObservedStore store) {
        SchedulerEngine engine = SchedulerEngine.fresh(EngineConfig.defaults());
        EngineLoop loop = new EngineLoop(engine, store, effect -> { }, CLOCK, 1024, 10_000,
                new EngineLoop.StepListener() {
                    @Override
                    public void stepped(int events, long stepNanos, long commitNanos) {
                    }

                    @Override
                    public void stopped(String why) {
                        stops.add(why);
                    }
                });
        loop.start(List.of());
        return loop;
    }

    private static JobSpec spec() {
        return new JobSpec("j", "alice", "", "", 1, 1, 1, Duration.ofMinutes(1), "true", List.of(), "/tmp", "", "",
                new TreeMap<>(), true);
    }

    @Test
    void events_queued_behind_a_slow_commit_share_the_next_commit() throws Exception {
        ObservedStore store = new ObservedStore();
        try (EngineLoop loop = loop(store)) {
            loop.submit(at -> new Event.NodeRegistered(at, "node-1", "a:1",
                    List.of(new Gpu(0, "u", "H100", 0)), List.of(), List.of())).get(5, TimeUnit.SECONDS);
            store.hold = new CountDownLatch(1);
            store.commitEntered = new CountDownLatch(1);
            CompletableFuture<Outcome> first = loop.submit(at -> new Event.JobSubmitted(at, spec()));
            assertThat(store.commitEntered.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Outcome>> queued = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                queued.add(loop.submit(at -> new Event.JobSubmitted(at, spec())));
            }
            assertThat(first).as("not acknowledged before its commit").isNotDone();
            int commitsBefore = store.commitSizes.size();
            store.hold.countDown();

            CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertThat(first.get()).isEqualTo(new Outcome.JobAccepted(dev.rota.core.job.JobId.of(1)));
            assertThat(store.commitSizes.size() - commitsBefore).as("one commit for the held job, one for the rest")
                    .isEqualTo(2);
            List<Long> ids = new ArrayList<>();
            for (CompletableFuture<Outcome> f : queued) {
                ids.add(((Outcome.JobAccepted) f.get()).job().value());
            }
            assertThat(ids).isSorted().doesNotHaveDuplicates().hasSize(100).startsWith(2L);
            assertThat(store.load(0).jobs()).hasSize(101);
        }
    }

    @Test
    void a_failed_commit_is_never_acknowledged_and_stops_the_loop() throws Exception {
        ObservedStore store = new ObservedStore();
        try (EngineLoop loop = loop(store)) {
            store.failing = true;
            CompletableFuture<Outcome> reply = loop.submit(at -> new Event.CycleRequested(at));
            assertThat(reply).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(EngineLoop.LoopStopped.class)
                    .withMessageContaining("No space left on device");
            assertThat(loop.submit(at -> new Event.CycleRequested(at))).failsWithin(Duration.ofSeconds(1));
            assertThat(loop.isRunning()).isFalse();
            assertThat(loop.stoppedBecause()).contains("No space left on device");
            assertThat(stops).singleElement().asString().contains("No space left on device");
        }
    }

    @Test
    void the_snapshot_is_published_before_the_caller_is_answered() throws Exception {
        ObservedStore store = new ObservedStore();
        try (EngineLoop loop = loop(store)) {
            loop.submit(at -> new Event.NodeRegistered(at, "node-1", "a:1",
                    List.of(new Gpu(0, "u", "H100", 0)), List.of(), List.of())).get(5, TimeUnit.SECONDS);
            Outcome o = loop.submit(at -> new Event.JobSubmitted(at, spec())).get(5, TimeUnit.SECONDS);
            assertThat(loop.snapshot().job(((Outcome.JobAccepted) o).job())).isPresent();
        }
    }
}
