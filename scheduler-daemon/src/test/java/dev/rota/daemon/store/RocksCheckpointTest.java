package dev.rota.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online backups: a checkpoint of a live store opens as a store and holds whole commits. */
class RocksCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void a_backup_opens_as_a_store_holding_every_job_node_and_the_next_id() {
        Job running = StateStoreContract.job(1, JobState.RUNNING);
        Job failed = StateStoreContract.job(2, JobState.FAILED);
        Job cancelled = StateStoreContract.job(3, JobState.CANCELLED);
        Path copy = dir.resolve("backup-1");
        try (RocksStateStore live = RocksStateStore.open(dir.resolve("db"))) {
            live.commit(List.of(new StateChange.JobUpserted(running), new StateChange.JobUpserted(failed),
                    new StateChange.JobUpserted(cancelled), new StateChange.NodeUpserted(StateStoreContract.node("node-1", true)),
                    new StateChange.NextJobIdAdvanced(4)));

            Backup backup = live.checkpoint(copy);

            assertThat(backup.directory()).isEqualTo(copy);
            assertThat(backup.jobs()).isEqualTo(3);
            assertThat(backup.sizeBytes()).isPositive();
            // Later commits stay out of the copy.
            live.commit(List.of(new StateChange.JobUpserted(StateStoreContract.job(4, JobState.PENDING)),
                    new StateChange.NextJobIdAdvanced(5)));
        }
        try (RocksStateStore restored = RocksStateStore.open(copy)) {
            StoredState state = restored.load(100);
            assertThat(state.jobs()).containsExactlyInAnyOrder(running, failed, cancelled);
            assertThat(state.nodes()).containsExactly(StateStoreContract.node("node-1", true));
            assertThat(state.nextJobId()).isEqualTo(4);
        }
    }

    @Test
    void a_backup_taken_while_the_engine_commits_holds_whole_commits() throws Exception {
        // The writer commits each job together with the id counter past it: a copy holding part of
        // a commit would show a counter that disagrees with its jobs.
        List<Path> copies = new ArrayList<>();
        try (RocksStateStore live = RocksStateStore.open(dir.resolve("db"))) {
            AtomicBoolean writing = new AtomicBoolean(true);
            CountDownLatch someCommitted = new CountDownLatch(20);
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                long id = 0;
                while (writing.get() && id < 100_000) {
                    id++;
                    live.commit(List.of(new StateChange.JobUpserted(StateStoreContract.job(id, JobState.PENDING)),
                            new StateChange.NextJobIdAdvanced(id + 1)));
                    someCommitted.countDown();
                }
                return id;
            });
            try {
                assertThat(someCommitted.await(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < 5; i++) {
                    Path copy = dir.resolve("backup-" + i);
                    live.checkpoint(copy);
                    copies.add(copy);
                }
            } finally {
                // The store must outlive its writer.
                writing.set(false);
                assertThat(writer.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(20);
            }
        }
        long previous = 0;
        for (Path copy : copies) {
            try (RocksStateStore restored = RocksStateStore.open(copy)) {
                StoredState state = restored.load(0);
                assertThat(state.jobs()).as("jobs in %s", copy).hasSize((int) (state.nextJobId() - 1));
                assertThat(state.nextJobId()).as("later backups hold more").isGreaterThanOrEqualTo(previous);
                previous = state.nextJobId();
            }
        }
        assertThat(previous).isGreaterThan(20);
    }

    @Test
    void a_relative_directory_is_refused() {
        try (RocksStateStore live = RocksStateStore.open(dir.resolve("db"))) {
            assertThatThrownBy(() -> live.checkpoint(Path.of("backups/tonight")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the backup directory must be an absolute path, not 'backups/tonight'");
        }
    }

    @Test
    void an_existing_directory_is_refused_and_left_as_it_was() throws IOException {
        Path existing = Files.createDirectories(dir.resolve("tonight"));
        Files.writeString(existing.resolve("notes.txt"), "keep me");
        try (RocksStateStore live = RocksStateStore.open(dir.resolve("db"))) {
            assertThatThrownBy(() -> live.checkpoint(existing))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(existing + " already exists");
        }
        assertThat(existing.resolve("notes.txt")).hasContent("keep me");
    }

    @Test
    void a_missing_parent_is_refused() {
        Path orphan = dir.resolve("no-such-dir").resolve("tonight");
        try (RocksStateStore live = RocksStateStore.open(dir.resolve("db"))) {
            assertThatThrownBy(() -> live.checkpoint(orphan))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the backup directory's parent " + dir.resolve("no-such-dir") + " does not exist");
        }
        assertThat(dir.resolve("no-such-dir")).doesNotExist();
    }

    @Test
    void a_directory_inside_the_store_is_refused() {
        Path db = dir.resolve("db");
        try (RocksStateStore live = RocksStateStore.open(db)) {
            assertThatThrownBy(() -> live.checkpoint(db.resolve("backup")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("inside the store's own directory");
        }
        assertThat(db.resolve("backup")).doesNotExist();
    }

    @Test
    void a_backup_that_cannot_be_written_fails_and_leaves_nothing() {
        // procfs refuses new directories, even to root: a reliable I/O error.
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc.resolve("self")), "needs Linux procfs");
        Path target = proc.resolve("rota-backup-" + ProcessHandle.current().pid());
        try (RocksStateStore live = RocksStateStore.open(dir.resolve("db"))) {
            live.commit(List.of(new StateChange.JobUpserted(StateStoreContract.job(1, JobState.PENDING))));

            assertThatThrownBy(() -> live.checkpoint(target))
                    .isInstanceOf(StoreFailure.class)
                    .hasMessageStartingWith("cannot write a backup of " + dir.resolve("db") + " to " + target + ": ");

            // The store itself is unharmed.
            live.commit(List.of(new StateChange.JobUpserted(StateStoreContract.job(2, JobState.PENDING))));
            assertThat(live.load(0).jobs()).hasSize(2);
        }
        assertThat(target).doesNotExist();
        assertThat(target.resolveSibling(target.getFileName() + ".tmp")).doesNotExist();
    }
}
