package dev.rota.daemon.store;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes finished jobs older than the retention period, on its own thread, in small batches, so
 * it never holds up the engine loop (it writes only to the history families; see
 * {@link RocksStateStore}). Runs at start and then every {@code interval}.
 */
public final class HistoryJanitor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HistoryJanitor.class.getName());
    private static final int BATCH = 10_000;

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rota-history-janitor");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private final JobHistory history;
    private final Clock clock;
    private final Duration retention;

    public HistoryJanitor(JobHistory history, Clock clock, Duration retention, Duration interval) {
        this.history = history;
        this.clock = clock;
        this.retention = retention;
        executor.scheduleWithFixedDelay(this::purge, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass: deletes every finished job that ended before now minus the retention. */
    public int purge() {
        int total = 0;
        try {
            var cutoff = clock.instant().minus(retention);
            int n;
            do {
                n = history.purgeEndedBefore(cutoff, BATCH);
                total += n;
            } while (n == BATCH && !Thread.currentThread().isInterrupted());
            if (total > 0) {
                int purged = total;
                LOG.info(() -> "purged " + purged + " finished jobs that ended before " + cutoff);
            }
        } catch (RuntimeException e) {
            // Retention is housekeeping: log and try again next time rather than stop the daemon.
            LOG.log(Level.WARNING, "history purge failed: " + e.getMessage(), e);
        }
        return total;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
