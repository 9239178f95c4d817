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
            StoredState state = s.load();
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
        List<ColumnFamilyHandle> handles = new java.util.ArrayList<>();
        try (DBOptions options = new DBOptions();
                RocksDB raw = RocksDB.open(options, db.toString(), List.of(
                        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                        new ColumnFamilyDescriptor("jobs".getBytes(StandardCharsets.UTF_8)),
                        new ColumnFamilyDescriptor("nodes".getBytes(StandardCharsets.UTF_8)),
                        new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.UTF_8))), handles)) {
            raw.put(handles.get(3), "meta".getBytes(StandardCharsets.UTF_8), StoredMeta.newBuilder()
                    .setSchemaVersion(RocksStateStore.SCHEMA_VERSION + 1).setNextJobId(1).build().toByteArray());
            handles.forEach(ColumnFamilyHandle::close);
        }
        assertThatThrownBy(() -> RocksStateStore.open(db))
                .isInstanceOf(StoreFailure.class)
                .hasMessageContaining("newer Rota")
                .hasMessageContaining("schema " + (RocksStateStore.SCHEMA_VERSION + 1));
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
