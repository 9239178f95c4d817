package dev.rota.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rota.core.engine.StateChange;
import dev.rota.core.job.JobState;
import dev.rota.storage.v1.StoredMeta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

class RocksStateStoreTest extends StateStoreContract {
    @TempDir
    Path dir;
    private int stores;

    @Override
    StateStore store() {
        return RocksStateStore.open(dir.resolve("db-" + stores++));
    }

    @Test
    void what_was_committed_survives_a_reopen() {
        Path db = dir.resolve("reopen");
        try (StateStore s = RocksStateStore.open(db)) {
            s.commit(List.of(new StateChange.JobUpserted(job(7, JobState.RUNNING)),
                    new StateChange.NextJobIdAdvanced(8), new StateChange.NodeUpserted(node("node-1", true))));
        }
        try (StateStore s = RocksStateStore.open(db)) {
            StoredState state = s.load(100);
            assertThat(state.jobs()).containsExactly(job(7, JobState.RUNNING));
            assertThat(state.nextJobId()).isEqualTo(8);
            assertThat(state.nodes()).containsExactly(node("node-1", true));
        }
    }

    @Test
    void a_store_written_by_a_newer_schema_is_refused_with_a_clear_message() throws Exception {
        Path db = dir.resolve("newer");
        RocksStateStore.open(db).close();
        // Rewrite the schema version as a future rotad would.
        writeRaw(db, (raw, handles) -> raw.put(handles.get(3), "meta".getBytes(StandardCharsets.UTF_8),
                StoredMeta.newBuilder().setSchemaVersion(RocksStateStore.SCHEMA_VERSION + 1).setNextJobId(1).build()
                        .toByteArray()));
        assertThatThrownBy(() -> RocksStateStore.open(db))
                .isInstanceOf(StoreFailure.class)
                .hasMessageContaining("newer Rota")
                .hasMessageContaining("schema " + (RocksStateStore.SCHEMA_VERSION + 1));
    }

    /** Something done to the raw database, as another version of rotad would. */
    interface RawWrite {
        void apply(RocksDB raw, List<ColumnFamilyHandle> handles) throws Exception;
    }

    private static void writeRaw(Path db, RawWrite write) throws Exception {
        List<ColumnFamilyHandle> handles = new java.util.ArrayList<>();
        List<ColumnFamilyDescriptor> families = new java.util.ArrayList<>();
        families.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (String name : List.of("jobs", "nodes", "meta", "history", "history_by_end", "audit")) {
            families.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8)));
        }
        try (DBOptions options = new DBOptions();
                RocksDB raw = RocksDB.open(options, db.toString(), families, handles)) {
            write.apply(raw, handles);
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    @Test
    void a_schema_1_store_is_migrated_moving_finished_jobs_to_history() throws Exception {
        Path db = dir.resolve("v1");
        RocksStateStore.open(db).close();
        var done = finishedJob(5, "alice", JobState.COMPLETED, 10);
        var live = job(6, JobState.RUNNING);
        // What schema 1 wrote: every job in `jobs`.
        writeRaw(db, (raw, handles) -> {
            raw.put(handles.get(1), RocksStateStore.jobKey(5), StorageCodec.encode(done).toByteArray());
            raw.put(handles.get(1), RocksStateStore.jobKey(6), StorageCodec.encode(live).toByteArray());
            raw.put(handles.get(3), "meta".getBytes(StandardCharsets.UTF_8),
                    StoredMeta.newBuilder().setSchemaVersion(1).setNextJobId(7).build().toByteArray());
        });
        try (StateStore s = RocksStateStore.open(db)) {
            assertThat(s.load(0).jobs()).containsExactly(live);
            assertThat(s.load(0).nextJobId()).isEqualTo(7);
            assertThat(s.finished(dev.rota.core.job.JobId.of(5))).hasValue(done);
        }
    }

    @Test
    void audit_entries_survive_a_reopen_and_new_ones_sort_after_them_within_the_same_millisecond() {
        Path db = dir.resolve("audit-reopen");
        var first = audit(0, "alice", "cancel", "7");
        var second = audit(0, "root", "drain", "node-1");
        try (StateStore s = RocksStateStore.open(db)) {
            s.audit().append(List.of(first));
        }
        try (StateStore s = RocksStateStore.open(db)) {
            s.audit().append(List.of(second));
            assertThat(s.audit().search(new dev.rota.daemon.audit.AuditQuery(null, null, "", 10)))
                    .containsExactly(first, second);
        }
    }

    @Test
    void a_schema_2_store_without_an_audit_family_opens_gains_one_and_is_marked_schema_3() throws Exception {
        Path db = dir.resolve("v2");
        var live = job(6, JobState.RUNNING);
        // What schema 2 wrote: the families before `audit`.
        List<ColumnFamilyHandle> handles = new java.util.ArrayList<>();
        List<ColumnFamilyDescriptor> families = new java.util.ArrayList<>();
        families.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (String name : List.of("jobs", "nodes", "meta", "history", "history_by_end")) {
            families.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8)));
        }
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
                RocksDB raw = RocksDB.open(options, db.toString(), families, handles)) {
            raw.put(handles.get(1), RocksStateStore.jobKey(6), StorageCodec.encode(live).toByteArray());
            raw.put(handles.get(3), "meta".getBytes(StandardCharsets.UTF_8),
                    StoredMeta.newBuilder().setSchemaVersion(2).setNextJobId(7).build().toByteArray());
            handles.forEach(ColumnFamilyHandle::close);
        }

        try (StateStore s = RocksStateStore.open(db)) {
            assertThat(s.load(0).jobs()).containsExactly(live);
            assertThat(s.audit().search(new dev.rota.daemon.audit.AuditQuery(null, null, "", 10))).isEmpty();
            s.audit().append(List.of(audit(0, "root", "resume", "node-1")));
        }
        writeRaw(db, (raw, h) -> assertThat(StoredMeta.parseFrom(raw.get(h.get(3),
                "meta".getBytes(StandardCharsets.UTF_8))).getSchemaVersion()).isEqualTo(3));
        try (StateStore s = RocksStateStore.open(db)) {
            assertThat(s.audit().search(new dev.rota.daemon.audit.AuditQuery(null, null, "", 10))).hasSize(1);
        }
    }

    @Test
    void a_store_in_use_by_another_daemon_cannot_be_opened() {
        Path db = dir.resolve("locked");
        try (StateStore first = RocksStateStore.open(db)) {
            assertThatThrownBy(() -> RocksStateStore.open(db))
                    .isInstanceOf(StoreFailure.class).hasMessageContaining(db.toString());
        }
    }
}
