package dev.rota.daemon.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.node.NodeRecord;
import dev.rota.storage.v1.StoredJob;
import dev.rota.storage.v1.StoredMeta;
import dev.rota.storage.v1.StoredNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * The production store: RocksDB with column families {@code jobs} (key: 8-byte big-endian job id,
 * so scans return submission order), {@code nodes} (key: node name) and {@code meta} (schema
 * version, next job id). Each commit is one {@link WriteBatch} written with a synced WAL.
 *
 * <p>Threading: {@link #commit} and {@link #load} are called by the engine loop thread only.
 */
public final class RocksStateStore implements StateStore {
    /** The on-disk schema this build writes. Bump on incompatible changes; add a migration. */
    public static final int SCHEMA_VERSION = 1;
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
        this.options = options;
        this.cfOptions = cfOptions;
        this.syncWrite = new WriteOptions().setSync(true);
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
                new ColumnFamilyDescriptor(bytes("meta"), cfOptions));
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
    }

    @Override
    public StoredState load() {
        List<Job> loadedJobs = new ArrayList<>();
        List<NodeRecord> loadedNodes = new ArrayList<>();
        try (RocksIterator it = db.newIterator(jobs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                loadedJobs.add(StorageCodec.decode(StoredJob.parseFrom(it.value())));
            }
            it.status();
        } catch (RocksDBException | InvalidProtocolBufferException e) {
            throw new StoreFailure("cannot read jobs from " + dir + ": " + e.getMessage(), e);
        }
        try (RocksIterator it = db.newIterator(nodes)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                loadedNodes.add(StorageCodec.decode(StoredNode.parseFrom(it.value())));
            }
            it.status();
        } catch (RocksDBException | InvalidProtocolBufferException e) {
            throw new StoreFailure("cannot read nodes from " + dir + ": " + e.getMessage(), e);
        }
        return new StoredState(currentMeta.getNextJobId(), loadedNodes, loadedJobs);
    }

    @Override
    public void commit(List<StateChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        StoredMeta nextMeta = currentMeta;
        try (WriteBatch batch = new WriteBatch()) {
            for (StateChange c : changes) {
                switch (c) {
                    case StateChange.JobUpserted j ->
                            batch.put(jobs, jobKey(j.job().id().value()), StorageCodec.encode(j.job()).toByteArray());
                    case StateChange.NodeUpserted n ->
                            batch.put(nodes, bytes(n.node().name()), StorageCodec.encode(n.node()).toByteArray());
                    case StateChange.NextJobIdAdvanced a ->
                            nextMeta = nextMeta.toBuilder().setNextJobId(a.nextJobId()).build();
                }
            }
            if (nextMeta != currentMeta) {
                batch.put(meta, META_KEY, nextMeta.toByteArray());
            }
            db.write(syncWrite, batch);
            currentMeta = nextMeta;
        } catch (RocksDBException e) {
            throw new StoreFailure("cannot write to the store in " + dir + ": " + e.getMessage(), e);
        }
    }

    static byte[] jobKey(long id) {
        return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        syncWrite.close();
        options.close();
        cfOptions.close();
    }
}
