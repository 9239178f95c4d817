package dev.rota.daemon.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records audit entries durably, off the caller's thread: the daemon's one writer of its
 * {@link AuditLog}. Entries queued while a write is under way go into the next write together
 * (group commit), so a burst of cancels costs a few synced writes, not one each. The same thread
 * deletes entries older than the retention, at start and then every {@code purgeInterval}.
 *
 * <p>Threading: {@link #record} and {@link #search} may be called from any thread, including the
 * engine loop's (recording only queues). {@link #close} writes what is queued, then stops.
 */
public final class AuditTrail implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AuditTrail.class.getName());
    private static final int MAX_BATCH = 1024;
    private static final int PURGE_BATCH = 10_000;

    private record Pending(AuditEntry entry, CompletableFuture<Void> written) {
    }

    private final AuditLog log;
    private final Clock clock;
    private final Duration retention;
    private final Duration purgeInterval;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @param log           where entries go
     * @param clock         stamps each entry when it is recorded
     * @param retention     entries older than this are deleted
     * @param purgeInterval how often to look for them
     */
    public AuditTrail(AuditLog log, Clock clock, Duration retention, Duration purgeInterval) {
        this.log = log;
        this.clock = clock;
        this.retention = retention;
        this.purgeInterval = purgeInterval;
        this.writer = Thread.ofPlatform().name("rota-audit").daemon(true).unstarted(this::run);
        writer.start();
    }

    /**
     * Queues an entry stamped with the current time. The future completes once it is durable, or
     * exceptionally when writing failed or the trail is closed; it is completed on the writer
     * thread, so callers should do little in it.
     */
    public CompletableFuture<Void> record(String user, String action, String target, String detail, String peer,
            String outcome, String outcomeMessage) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        if (closed) {
            written.completeExceptionally(new IllegalStateException("the audit trail is closed"));
            return written;
        }
        queue.add(new Pending(new AuditEntry(clock.instant(), user, action, target, detail, peer, outcome,
                outcomeMessage), written));
        return written;
    }

    /** Entries matching {@code query}, oldest first; reads the log directly, never waits for writes. */
    public List<AuditEntry> search(AuditQuery query) {
        return log.search(query);
    }

    private void run() {
        long nextPurge = System.nanoTime();
        List<Pending> batch = new ArrayList<>();
        while (true) {
            if (System.nanoTime() - nextPurge >= 0) {
                purge();
                nextPurge = System.nanoTime() + purgeInterval.toNanos();
            }
            Pending first;
            try {
                first = queue.poll(Math.max(1, nextPurge - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            write(batch);
            batch.clear();
        }
    }

    private void write(List<Pending> batch) {
        try {
            log.append(batch.stream().map(Pending::entry).toList());
        } catch (RuntimeException e) {
            // The actions themselves already happened; their callers hear of them, the log says what was lost.
            LOG.log(Level.SEVERE, "cannot write " + batch.size() + " audit entries: " + e.getMessage()
                    + "; lost: " + batch.stream().map(p -> p.entry().toString()).toList(), e);
            batch.forEach(p -> p.written().completeExceptionally(e));
            return;
        }
        batch.forEach(p -> p.written().complete(null));
    }

    /** One pass of retention: deletes every entry recorded before now minus the retention. */
    int purge() {
        int total = 0;
        try {
            Instant cutoff = clock.instant().minus(retention);
            int n;
            do {
                n = log.purgeBefore(cutoff, PURGE_BATCH);
                total += n;
            } while (n == PURGE_BATCH);
            if (total > 0) {
                int purged = total;
                LOG.info(() -> "purged " + purged + " audit entries recorded before " + cutoff);
            }
        } catch (RuntimeException e) {
            // Housekeeping: try again next time rather than stop recording.
            LOG.log(Level.WARNING, "audit purge failed: " + e.getMessage(), e);
        }
        return total;
    }

    /** Writes every entry queued so far, then stops the writer (waits at most 5 s). */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            p.written().completeExceptionally(new IllegalStateException("the audit trail closed before writing"));
        }
    }
}
