package dev.rota.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load: {@code clients} clients, each issuing its next call as soon as the previous one
 * answers, so exactly {@code clients} calls are outstanding. Warm-up calls are not counted; the
 * measured window counts the calls that succeed inside it and records their latency.
 *
 * <p>Calls complete on gRPC's threads (the channels use a direct executor); a client issues its next
 * call from there. After a failure the next call is issued from a timer 10 ms later, so a dead target
 * neither recurses nor spins.
 */
final class ClosedLoop {
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofMillis(10);
    private static final Duration DRAIN = Duration.ofSeconds(30);

    /** One asynchronous call. Must not block; must eventually call exactly one method of {@code done}. */
    interface Call {
        void start(int client, long sequence, Done done);
    }

    /** How a call ended. */
    interface Done {
        void ok();

        void failed(Throwable error);
    }

    private final Call call;
    private final int clients;
    private final Recorder latencyMicros = new Recorder(3);
    private final LongAdder failures = new LongAdder();
    private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-retry");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch stopped;
    private volatile boolean measuring;
    private volatile boolean stopping;

    ClosedLoop(Call call, int clients) {
        this.call = call;
        this.clients = clients;
        this.stopped = new CountDownLatch(clients);
    }

    /**
     * Runs {@code warmup}, then measures for {@code window}, then lets the outstanding calls finish.
     *
     * @return what the window saw, labelled {@code mode}
     */
    LoadReport run(String mode, int connections, Duration warmup, Duration window) throws InterruptedException {
        try {
            for (int i = 0; i < clients; i++) {
                new Client(i).next();
            }
            awaitTime(warmup);
            measuring = true;
            latencyMicros.getIntervalHistogram();
            failures.reset();
            long start = System.nanoTime();
            awaitTime(window);
            Histogram h = latencyMicros.getIntervalHistogram();
            long failed = failures.sum();
            measuring = false;
            long elapsed = System.nanoTime() - start;
            stopping = true;
            if (!stopped.await(DRAIN.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException(stopped.getCount() + " calls still outstanding " + DRAIN.toSeconds()
                        + " s after the window closed");
            }
            return new LoadReport(mode, clients, connections, Duration.ofNanos(elapsed), h.getTotalCount(), failed,
                    h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue());
        } finally {
            stopping = true;
            retries.shutdownNow();
        }
    }

    /** The last failure any client saw, for the error message of a run that acknowledged nothing. */
    Throwable lastFailure() {
        return lastFailure.get();
    }

    /** The benchmark's clock is the condition: wait until {@code d} has passed. */
    private static void awaitTime(Duration d) throws InterruptedException {
        new CountDownLatch(1).await(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    private final class Client implements Done {
        private final int id;
        private long sequence;
        private long startedAt;

        Client(int id) {
            this.id = id;
        }

        void next() {
            if (stopping) {
                stopped.countDown();
                return;
            }
            startedAt = System.nanoTime();
            call.start(id, sequence++, this);
        }

        @Override
        public void ok() {
            if (measuring) {
                latencyMicros.recordValue(Math.max(1, (System.nanoTime() - startedAt) / 1_000));
            }
            next();
        }

        @Override
        public void failed(Throwable error) {
            if (measuring) {
                failures.increment();
            }
            lastFailure.set(error);
            try {
                retries.schedule(this::next, RETRY_AFTER_FAILURE.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                stopped.countDown();
            }
        }
    }
}
