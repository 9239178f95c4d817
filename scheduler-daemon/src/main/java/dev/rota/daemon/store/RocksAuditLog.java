package dev.rota.daemon.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rota.daemon.audit.AuditEntry;
import dev.rota.daemon.audit.AuditLog;
import dev.rota.daemon.audit.AuditQuery;
import dev.rota.storage.v1.StoredAuditEntry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The audit log in the store's {@code audit} column family. Key: recorded time (epoch ms, 8 bytes
 * big-endian), then a sequence number (8 bytes big-endian, one more than the largest in the family
 * when the store opened), so keys sort by time and, within a millisecond, by appending order; value:
 * {@link StoredAuditEntry}. Only the audit writer writes here, and the engine never touches the
 * family, so appends and purges need no coordination with engine commits.
 */
final class RocksAuditLog implements AuditLog {
    private final RocksDB db;
    private final ColumnFamilyHandle audit;
    private final WriteOptions syncWrite;
    private final Path dir;
    private final AtomicLong sequence;

    RocksAuditLog(RocksDB db, ColumnFamilyHandle audit, WriteOptions syncWrite, Path dir) {
        this.db = db;
        this.audit = audit;
        this.syncWrite = syncWrite;
        this.dir = dir;
        this.sequence = new AtomicLong(largestSequence() + 1);
    }

    private long largestSequence() {
        long max = 0;
        // Sequences grow with time, except across a wall clock stepped back: scan the newest keys.
        try (RocksIterator it = db.newIterator(audit)) {
            int seen = 0;
            for (it.seekToLast(); it.isValid() && seen < 10_000; it.prev(), seen++) {
                max = Math.max(max, ByteBuffer.wrap(it.key()).getLong(Long.BYTES));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreFailure("cannot read the audit log in " + dir + ": " + e.getMessage(), e);
        }
        return max;
    }

    static byte[] key(Instant time, long sequence) {
        return ByteBuffer.allocate(2 * Long.BYTES).putLong(time.toEpochMilli()).putLong(sequence).array();
    }

    @Override
    public void append(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try (WriteBatch batch = new WriteBatch()) {
            for (AuditEntry e : entries) {
                batch.put(audit, key(e.time(), sequence.getAndIncrement()), encode(e).toByteArray());
            }
            db.write(syncWrite, batch);
        } catch (RocksDBException e) {
            throw new StoreFailure("cannot write the audit log in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<AuditEntry> search(AuditQuery query) {
        List<AuditEntry> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(audit)) {
            if (query.until() == null) {
                it.seekToLast();
            } else {
                it.seekForPrev(key(Instant.ofEpochMilli(query.until().toEpochMilli() - 1), Long.MAX_VALUE));
            }
            for (; it.isValid() && out.size() < query.limit(); it.prev()) {
                AuditEntry e = decode(StoredAuditEntry.parseFrom(it.value()));
                if (query.since() != null && e.time().isBefore(query.since())) {
                    break;
                }
                if ((query.until() == null || e.time().isBefore(query.until())) && query.matches(e)) {
                    out.add(e);
                }
            }
            it.status();
        } catch (RocksDBException | InvalidProtocolBufferException e) {
            throw new StoreFailure("cannot read the audit log in " + dir + ": " + e.getMessage(), e);
        }
        return out.reversed();
    }

    @Override
    public int purgeBefore(Instant cutoff, int max) {
        int purged = 0;
        try (WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator(audit)) {
            for (it.seekToFirst(); it.isValid() && purged < max; it.next()) {
                if (ByteBuffer.wrap(it.key()).getLong() >= cutoff.toEpochMilli()) {
                    break;
                }
                batch.delete(audit, it.key());
                purged++;
            }
            it.status();
            if (purged > 0) {
                db.write(syncWrite, batch);
            }
        } catch (RocksDBException e) {
            throw new StoreFailure("cannot purge the audit log in " + dir + ": " + e.getMessage(), e);
        }
        return purged;
    }

    static StoredAuditEntry encode(AuditEntry e) {
        return StoredAuditEntry.newBuilder().setTimeSeconds(e.time().getEpochSecond()).setTimeNanos(e.time().getNano())
                .setUser(e.user()).setAction(e.action()).setTarget(e.target()).setDetail(e.detail()).setPeer(e.peer())
                .setOutcome(e.outcome()).setOutcomeMessage(e.outcomeMessage()).build();
    }

    static AuditEntry decode(StoredAuditEntry s) {
        return new AuditEntry(Instant.ofEpochSecond(s.getTimeSeconds(), s.getTimeNanos()), s.getUser(), s.getAction(),
                s.getTarget(), s.getDetail(), s.getPeer(), s.getOutcome(), s.getOutcomeMessage());
    }
}
