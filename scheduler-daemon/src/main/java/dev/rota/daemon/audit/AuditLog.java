package dev.rota.daemon.audit;

import java.time.Instant;
import java.util.List;

/**
 * Where audit entries are kept: the {@code audit} column family of the daemon's store, or memory
 * in tests. Entries are kept in the order of their time, then of their appending.
 *
 * <p>Threading: {@link #append} and {@link #purgeBefore} are called by one thread at a time (the
 * {@link AuditTrail}'s writer); {@link #search} may be called from any thread beside them.
 */
public interface AuditLog {
    /**
     * Durably appends {@code entries} (for RocksDB: one write batch, WAL synced), all or none.
     *
     * @throws dev.rota.daemon.store.StoreFailure when they could not be written
     */
    void append(List<AuditEntry> entries);

    /** Entries matching {@code query}, oldest first: the most recent {@code query.limit()} of them. */
    List<AuditEntry> search(AuditQuery query);

    /**
     * Deletes entries recorded before {@code cutoff}, at most {@code max}, oldest first.
     *
     * @return how many were deleted (fewer than {@code max}: none are left before the cutoff)
     */
    int purgeBefore(Instant cutoff, int max);
}
