package dev.rota.daemon.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.node.NodeRecord;
import dev.rota.core.policy.Usage;
import dev.rota.core.policy.UsageKey;
import dev.rota.daemon.audit.AuditLog;
import dev.rota.storage.v1.StoredJob;
import dev.rota.storage.v1.StoredMeta;
import dev.rota.storage.v1.StoredNode;
import dev.rota.storage.v1.StoredUsage;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.rota.core.job.JobId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The production store: RocksDB with column families
 * <ul>
 * <li>{@code jobs}: live (pending and running) jobs; key: 8-byte big-endian job id, so scans
 * return submission order;
 * <li>{@code history}: finished jobs, same key; a job moves here in the same batch that ends it;
 * <li>{@code history_by_end}: index, key: end time (epoch ms, 8 bytes) then job id, empty value;
 * for retention and time-range searches without reading every job;
 * <li>{@code nodes} (key: node name) and {@code meta} (schema version, next job id);
 * <li>{@code audit}: the audit log, written apart from engine commits ({@link RocksAuditLog}).
 * </ul>
 * Each commit is one {@link WriteBatch} written with a synced WAL.
 *
 * <p>Threading: {@link #commit} and {@link #load} are called by the engine loop thread only. The
 * {@link JobHistory} reads may come from any thread; {@link #purgeEndedBefore} (one background
 * thread) writes only to the two history families, which the engine only ever adds new keys to.
 */
public final class RocksStateStore implements StateStore {
    /** The on-disk schema this build writes. Bump on incompatible changes; add a migration. */
    /**
     * Schema 2 split finished jobs into {@code history}; schema 1 stores are migrated on open.
     * Schema 3 adds the {@code audit} family (created empty when an older store opens).
     */
    public static final int SCHEMA_VERSION = 3;
    private static final byte[] META_KEY = "meta".getBytes(StandardCharsets.UTF_8);

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle jobs;
    private final ColumnFamilyHandle nodes;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle history;
    private final ColumnFamilyHandle historyByEnd;
    private final RocksAuditLog audit;
    private final DBOptions options;
    private final ColumnFamilyOptions cfOptions;
    private final WriteOptions syncWrite;
    private StoredMeta currentMeta;

    private RocksStateStore(Path dir, RocksDB db, List<ColumnFamilyHandle> handles, DBOptions options,
            ColumnFamilyOptions cfOptions) {
        this.dir = dir;
        this.db = db;
        this.handles = handles;
        this.jobs = handles.get(1);
        this.nodes = handles.get(2);
        this.meta = handles.get(3);
        this.history = handles.get(4);
        this.historyByEnd = handles.get(5);
        this.options = options;
        this.cfOptions = cfOptions;
        this.syncWrite = new WriteOptions().setSync(true);
        this.audit = new RocksAuditLog(db, handles.get(6), syncWrite, dir);
    }

    /**
     * Opens (creating if needed) the store in {@code dir}.
     *
     * @throws StoreFailure when it cannot be opened, or was written by a newer schema
     */
    public static RocksStateStore open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new StoreFailure("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor(bytes("jobs"), cfOptions),
                new ColumnFamilyDescriptor(bytes("nodes"), cfOptions),
                new ColumnFamilyDescriptor(bytes("meta"), cfOptions),
                new ColumnFamilyDescriptor(bytes("history"), cfOptions),
                new ColumnFamilyDescriptor(bytes("history_by_end"), cfOptions),
                new ColumnFamilyDescriptor(bytes("audit"), cfOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(options, dir.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            throw new StoreFailure("cannot open the Rota store in " + dir + ": " + e.getMessage(), e);
        }
        RocksStateStore store = new RocksStateStore(dir, db, handles, options, cfOptions);
        store.checkSchema();
        return store;
    }

    private void checkSchema() {
        try {
            byte[] raw = db.get(meta, META_KEY);
            if (raw == null) {
                currentMeta = StoredMeta.newBuilder().setSchemaVersion(SCHEMA_VERSION).setNextJobId(1).build();
                db.put(meta, syncWrite, META_KEY, currentMeta.toByteArray());
                return;
            }
            currentMeta = StoredMeta.parseFrom(raw);
        } catch (RocksDBException | InvalidProtocolBufferException e) {
            close();
            throw new StoreFailure("cannot read the store's metadata in " + dir + ": " + e.getMessage(), e);
        }
        if (currentMeta.getSchemaVersion() > SCHEMA_VERSION) {
            int found = currentMeta.getSchemaVersion();
            close();
            throw new StoreFailure("the data in " + dir + " was written by a newer Rota (schema " + found
                    + "); this rotad reads schema " + SCHEMA_VERSION + " or older. Upgrade rotad.");
        }
        if (currentMeta.getSchemaVersion() < 2) {
            migrateToHistory();
        }
        if (currentMeta.getSchemaVersion() < SCHEMA_VERSION) {
            // Schema 2 to 3: the audit family was created empty by open; only the version changes.
            StoredMeta upgraded = currentMeta.toBuilder().setSchemaVersion(SCHEMA_VERSION).build();
            try {
                db.put(meta, syncWrite, META_KEY, upgraded.toByteArray());
            } catch (RocksDBException e) {
                close();
                throw new StoreFailure("cannot upgrade the store in " + dir + " to schema " + SCHEMA_VERSION + ": "
                        + e.getMessage(), e);
            }
            currentMeta = upgraded;
        }
    }

    /** Schema 1 kept finished jobs in {@code jobs}: move them to {@code history}, in one batch. */
    private void migrateToHistory() {
        try (WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator(jobs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Job job = StorageCodec.decode(StoredJob.parseFrom(it.value()));
                if (job.state().isTerminal()) {
                    archive(batch, job, it.value());
                }
            }
            it.status();
            StoredMeta migrated = currentMeta.toBuilder().setSchemaVersion(SCHEMA_VERSION).build();
            batch.put(meta, META_KEY, migrated.toByteArray());
            db.write(syncWrite, batch);
            currentMeta = migrated;
        } catch (RocksDBException | InvalidProtocolBufferException e) {
            close();
            throw new StoreFailure("cannot migrate the store in " + dir + " to schema " + SCHEMA_VERSION + ": "
                    + e.getMessage(), e);
        }
    }

    /** Moves a finished job from the live family to history, in {@code batch}. */
    private void archive(WriteBatch batch, Job job, byte[] encoded) throws RocksDBException {
        byte[] key = jobKey(job.id().value());
        batch.delete(jobs, key);
        batch.put(history, key, encoded);
        batch.put(historyByEnd, endKey(job.endTime().toEpochMilli(), job.id().value()), new byte[0]);
    }

    static byte[] endKey(long endMs, long id) {
        return ByteBuffer.allocate(2 * Long.BYTES).putLong(endMs).putLong(id).array();
    }

    @Override
    public StoredState load(int recentFinished) {
        List<byte[]> raw = new ArrayList<>();
        List<NodeRecord> loadedNodes = new ArrayList<>();
        try (RocksIterator it = db.newIterator(jobs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                raw.add(it.value());
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StoreFailure("cannot read jobs from " + dir + ": " + e.getMessage(), e);
        }
        // Decoding dominates start-up with a long queue; it is pure, so every core helps. The
        // ordered collect keeps submission order.
        List<Job> loadedJobs;
        try {
            loadedJobs = new ArrayList<>(raw.parallelStream().map(RocksStateStore::decodeJob).toList());
        } catch (UncheckedIOException e) {
            throw new StoreFailure("cannot read jobs from " + dir + ": " + e.getCause().getMessage(), e);
        }
        try (RocksIterator it = db.newIterator(nodes)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                loadedNodes.add(StorageCodec.decode(StoredNode.parseFrom(it.value())));
            }
            it.status();
        } catch (RocksDBException | InvalidProtocolBufferException e) {
            throw new StoreFailure("cannot read nodes from " + dir + ": " + e.getMessage(), e);
        }
        if (recentFinished > 0) {
            loadedJobs.addAll(search(HistoryQuery.newest(recentFinished)));
        }
        return new StoredState(currentMeta.getNextJobId(), loadedNodes, loadedJobs, loadUsage());
    }

    private static final byte[] USAGE_PREFIX = bytes("usage/");

    static byte[] usageKey(UsageKey key) {
        return bytes("usage/" + key.account() + "\0" + key.user());
    }

    private SortedMap<UsageKey, Usage> loadUsage() {
        SortedMap<UsageKey, Usage> out = new TreeMap<>();
        try (RocksIterator it = db.newIterator(meta)) {
            for (it.seek(USAGE_PREFIX); it.isValid() && startsWith(it.key(), USAGE_PREFIX); it.next()) {
                String rest = new String(it.key(), USAGE_PREFIX.length, it.key().length - USAGE_PREFIX.length,
                        StandardCharsets.UTF_8);
                int nul = rest.indexOf('\0');
                StoredUsage u = StoredUsage.parseFrom(it.value());
                out.put(new UsageKey(rest.substring(0, nul), rest.substring(nul + 1)),
                        new Usage(u.getDecayedGpuSeconds(), u.getTotalGpuSeconds(),
                                java.time.Instant.ofEpochSecond(u.getAsOfSeconds(), u.getAsOfNanos())));
            }
            it.status();
        } catch (RocksDBException | InvalidProtocolBufferException | RuntimeException e) {
            throw new StoreFailure("cannot read usage from " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length
                && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static Job decodeJob(byte[] bytes) {
        try {
            return StorageCodec.decode(StoredJob.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<Job> finished(JobId id) {
        try {
            byte[] raw = db.get(history, jobKey(id.value()));
            return raw == null ? Optional.empty() : Optional.of(StorageCodec.decode(StoredJob.parseFrom(raw)));
        } catch (RocksDBException | InvalidProtocolBufferException e) {
            throw new StoreFailure("cannot read job " + id + " from the history in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Job> search(HistoryQuery query) {
        List<Job> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(historyByEnd)) {
            if (query.endedBefore() == null) {
                it.seekToLast();
            } else {
                it.seekForPrev(endKey(query.endedBefore().toEpochMilli() - 1, Long.MAX_VALUE));
            }
            long floor = query.endedAfter() == null ? Long.MIN_VALUE : query.endedAfter().toEpochMilli();
            for (; it.isValid() && out.size() < query.limit(); it.prev()) {
                ByteBuffer key = ByteBuffer.wrap(it.key());
                long endMs = key.getLong();
                if (endMs < floor) {
                    break;
                }
                byte[] raw = db.get(history, jobKey(key.getLong()));
                if (raw == null) {
                    continue; // purged between the index and the record
                }
                Job job = StorageCodec.decode(StoredJob.parseFrom(raw));
                if (query.matches(job)) {
                    out.add(job);
                }
            }
            it.status();
        } catch (RocksDBException | InvalidProtocolBufferException e) {
            throw new StoreFailure("cannot search the history in " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public int purgeEndedBefore(Instant cutoff, int max) {
        int purged = 0;
        try (WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator(historyByEnd)) {
            for (it.seekToFirst(); it.isValid() && purged < max; it.next()) {
                ByteBuffer key = ByteBuffer.wrap(it.key());
                if (key.getLong() >= cutoff.toEpochMilli()) {
                    break;
                }
                batch.delete(history, jobKey(key.getLong()));
                batch.delete(historyByEnd, it.key());
                purged++;
            }
            it.status();
            if (purged > 0) {
                db.write(syncWrite, batch);
            }
        } catch (RocksDBException e) {
            throw new StoreFailure("cannot purge the history in " + dir + ": " + e.getMessage(), e);
        }
        return purged;
    }

    /**
     * Writes {@code changes} in one synced {@link WriteBatch}. A later upsert of a key wins, so each
     * key is encoded and written once, from its last change (a queued job is typically upserted twice
     * in its first step: submitted, then given its pending reason); likewise the next job id.
     */
    @Override
    public void commit(List<StateChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        Set<JobId> jobsWritten = new HashSet<>();
        Set<String> nodesWritten = new HashSet<>();
        Set<UsageKey> usageWritten = new HashSet<>();
        long nextJobId = -1;
        try (WriteBatch batch = new WriteBatch()) {
            for (int i = changes.size() - 1; i >= 0; i--) {
                switch (changes.get(i)) {
                    case StateChange.JobUpserted j -> {
                        if (jobsWritten.add(j.job().id())) {
                            byte[] encoded = StorageCodec.encode(j.job()).toByteArray();
                            if (j.job().state().isTerminal()) {
                                archive(batch, j.job(), encoded);
                            } else {
                                batch.put(jobs, jobKey(j.job().id().value()), encoded);
                            }
                        }
                    }
                    case StateChange.NodeUpserted n -> {
                        if (nodesWritten.add(n.node().name())) {
                            batch.put(nodes, bytes(n.node().name()), StorageCodec.encode(n.node()).toByteArray());
                        }
                    }
                    case StateChange.NextJobIdAdvanced a -> {
                        if (nextJobId < 0) {
                            nextJobId = a.nextJobId();
                        }
                    }
                    case StateChange.UsageCharged u -> {
                        if (usageWritten.add(u.key())) {
                            batch.put(meta, usageKey(u.key()), StoredUsage.newBuilder()
                                    .setDecayedGpuSeconds(u.usage().decayed()).setTotalGpuSeconds(u.usage().total())
                                    .setAsOfSeconds(u.usage().asOf().getEpochSecond())
                                    .setAsOfNanos(u.usage().asOf().getNano()).build().toByteArray());
                        }
                    }
                }
            }
            StoredMeta nextMeta = nextJobId < 0 || nextJobId == currentMeta.getNextJobId() ? currentMeta
                    : currentMeta.toBuilder().setNextJobId(nextJobId).build();
            if (nextMeta != currentMeta) {
                batch.put(meta, META_KEY, nextMeta.toByteArray());
            }
            db.write(syncWrite, batch);
            currentMeta = nextMeta;
        } catch (RocksDBException e) {
            throw new StoreFailure("cannot write to the store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The audit log, in this store's {@code audit} family; valid until {@link #close}. */
    @Override
    public AuditLog audit() {
        return audit;
    }

    static byte[] jobKey(long id) {
        return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes a consistent copy of this store to {@code target} while the daemon keeps running: a
     * RocksDB checkpoint (SST files hard-linked when {@code target} is on the same file system,
     * copied otherwise), which is then opened read-only to count its jobs, proving that it opens.
     *
     * <p>Safe while the engine thread commits. The checkpoint is a point in RocksDB's write
     * sequence, and every commit is one atomic {@link WriteBatch}, so the copy holds whole engine
     * steps, never part of one; every commit acknowledged before this call began is already synced
     * and so is in the copy. The copy opens with {@link #open} as any store does.
     *
     * <p>Threading: any thread. Calls run one at a time, and {@link #close} waits for a running one.
     * Not idempotent: a second call with the same {@code target} fails because it exists.
     *
     * @param target an absolute directory that does not exist yet, in an existing directory, outside
     *               this store's directory
     * @return where the copy is, its size and its number of jobs
     * @throws IllegalArgumentException when {@code target} is relative, exists, has no parent
     *                                  directory or lies inside this store, saying which
     * @throws StoreFailure when the copy cannot be written or read back; nothing is left at {@code target}
     */
    public synchronized Backup checkpoint(Path target) {
        return RocksCheckpoint.write(db, dir, target);
    }

    /** Closes the database, after any {@link #checkpoint} under way has finished. */
    @Override
    public synchronized void close() {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        syncWrite.close();
        options.close();
        cfOptions.close();
    }
}
