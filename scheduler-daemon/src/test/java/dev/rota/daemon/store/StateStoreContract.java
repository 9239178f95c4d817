package dev.rota.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.job.JobState;
import dev.rota.core.job.NodeAllocation;
import dev.rota.core.node.Drain;
import dev.rota.core.node.Gpu;
import dev.rota.core.node.NodeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link StateStore} must have; one subclass per implementation. */
abstract class StateStoreContract {
    static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

    /** A new, empty store. */
    abstract StateStore store();

    static Job job(long id, JobState state) {
        JobSpec spec = new JobSpec("train-" + id, "alice", "lab", "main", 2, 4, 8, Duration.ofMinutes(90),
                "#!/bin/bash\nsrun python train.py \"$@\"\n", List.of("--lr", "3e-4"), "/home/alice",
                "out-%j.log", "err-%j.log", new TreeMap<>(Map.of("PATH", "/usr/bin", "HOME", "/home/alice")), id % 2 == 0);
        Job j = Job.submitted(JobId.of(id), spec, T, 12000 + (int) id);
        if (state == JobState.RUNNING || state.isTerminal() && state != JobState.CANCELLED) {
            j = j.started(List.of(new NodeAllocation("node-1", List.of(0, 1, 2, 3, 4, 5, 6, 7)),
                    new NodeAllocation("node-2", List.of(0, 1, 2, 3, 4, 5, 6, 7))), T.plusSeconds(5));
        }
        if (state == JobState.FAILED) {
            j = j.ended(JobState.FAILED, "NonZeroExitCode", OptionalInt.of(3), T.plusSeconds(60));
        } else if (state == JobState.CANCELLED) {
            j = j.ended(JobState.CANCELLED, "Cancelled by alice", OptionalInt.empty(), T.plusSeconds(1));
        }
        return j;
    }

    static NodeRecord node(String name, boolean drained) {
        return new NodeRecord(name, "127.0.0.1:4000", List.of(new Gpu(0, "GPU-a", "H100", 80L << 30),
                new Gpu(1, "GPU-b", "H100", 80L << 30, 1)), // one with its NUMA node, one without
                drained ? Optional.of(new Drain("bad fan", "admin", T)) : Optional.empty());
    }

    @Test
    void an_empty_store_starts_ids_at_one() {
        try (StateStore s = store()) {
            StoredState state = s.load(100);
            assertThat(state.nextJobId()).isEqualTo(1);
            assertThat(state.jobs()).isEmpty();
            assertThat(state.nodes()).isEmpty();
        }
    }

    @Test
    void jobs_nodes_and_the_counter_round_trip_with_every_field() {
        try (StateStore s = store()) {
            Job running = job(1, JobState.RUNNING).ending(JobState.CANCELLED, "Cancelled by alice");
            Job failed = job(2, JobState.FAILED);
            Job cancelled = job(3, JobState.CANCELLED);
            s.commit(List.of(new StateChange.JobUpserted(running), new StateChange.JobUpserted(failed),
                    new StateChange.JobUpserted(cancelled), new StateChange.NodeUpserted(node("node-1", true)),
                    new StateChange.NodeUpserted(node("node-2", false)), new StateChange.NextJobIdAdvanced(4)));
            StoredState state = s.load(100);
            assertThat(state.jobs()).containsExactly(running, failed, cancelled);
            assertThat(state.nodes()).containsExactlyInAnyOrder(node("node-1", true), node("node-2", false));
            assertThat(state.nextJobId()).isEqualTo(4);
        }
    }

    @Test
    void holds_begin_times_dependencies_and_array_places_round_trip() {
        try (StateStore s = store()) {
            Job base = job(1, JobState.PENDING);
            var spec = base.spec().withHold(dev.rota.core.job.Hold.ADMIN)
                    .withBegin(Optional.of(T.plusSeconds(3600)))
                    .withDependency(dev.rota.core.job.Dependency.parse("afterok:7:8_2?singleton"))
                    .withArray(dev.rota.core.job.JobArray.submitted(dev.rota.core.job.ArrayIndexes.parse("0-9999:3,20000"), 4)
                            .withArrayJobId(1));
            Job remainder = Job.submitted(JobId.of(1), spec, T, 12001);
            Job task = Job.submitted(JobId.of(2), base.spec().withArray(spec.array().get().task(5)), T, 12002);
            s.commit(List.of(new StateChange.JobUpserted(remainder), new StateChange.JobUpserted(task)));
            assertThat(s.load(100).jobs()).containsExactly(remainder, task);
        }
    }

    @Test
    void charged_usage_round_trips_per_user_and_account_and_the_last_charge_wins() {
        var alice = new dev.rota.core.policy.UsageKey("vision", "alice");
        var bob = new dev.rota.core.policy.UsageKey("vision", "bob");
        java.time.Instant t = java.time.Instant.parse("2026-11-23T10:15:30.123456789Z");
        var first = new dev.rota.core.policy.Usage(10.5, 11, t);
        var second = new dev.rota.core.policy.Usage(20.25, 22, t.plusSeconds(5));
        var other = new dev.rota.core.policy.Usage(1, 1, t);
        StateStore store = store();
        store.commit(List.of(new StateChange.UsageCharged(alice, first), new StateChange.UsageCharged(bob, other),
                new StateChange.UsageCharged(alice, second)));

        assertThat(store.load(0).usage()).containsExactly(java.util.Map.entry(alice, second),
                java.util.Map.entry(bob, other));
    }

    @Test
    void the_last_upsert_of_a_key_in_a_batch_wins() {
        try (StateStore s = store()) {
            Job pending = job(1, JobState.PENDING);
            Job started = job(1, JobState.RUNNING);
            s.commit(List.of(new StateChange.JobUpserted(pending), new StateChange.JobUpserted(started)));
            assertThat(s.load(100).jobs()).containsExactly(started);
        }
    }

    /** A finished job of {@code user} that ended {@code endSecond} seconds after T. */
    static Job finishedJob(long id, String user, JobState state, int endSecond) {
        JobSpec spec = new JobSpec("h" + id, user, "lab-" + user, "main", 1, 1, 1, Duration.ofMinutes(5), "true",
                List.of(), "/tmp", "", "", new TreeMap<>(), true);
        Job j = Job.submitted(JobId.of(id), spec, T, 12000);
        if (state == JobState.CANCELLED) {
            return j.ended(state, "Cancelled by " + user, OptionalInt.empty(), T.plusSeconds(endSecond));
        }
        return j.started(List.of(new NodeAllocation("node-1", List.of(0))), T).ended(state, "",
                OptionalInt.of(state == JobState.COMPLETED ? 0 : 1), T.plusSeconds(endSecond));
    }

    private static StateStore withHistory(StateStore s) {
        s.commit(List.of(new StateChange.JobUpserted(finishedJob(1, "alice", JobState.COMPLETED, 10)),
                new StateChange.JobUpserted(finishedJob(2, "bob", JobState.FAILED, 30)),
                new StateChange.JobUpserted(finishedJob(3, "alice", JobState.CANCELLED, 20)),
                new StateChange.JobUpserted(job(4, JobState.PENDING))));
        return s;
    }

    @Test
    void start_up_loads_live_jobs_and_only_the_most_recently_finished() {
        try (StateStore s = withHistory(store())) {
            assertThat(s.load(1).jobs()).extracting(j -> j.id().value()).containsExactlyInAnyOrder(4L, 2L);
            assertThat(s.load(0).jobs()).extracting(j -> j.id().value()).containsExactly(4L);
        }
    }

    @Test
    void finished_jobs_are_found_by_id_and_live_ones_are_not_history() {
        try (StateStore s = withHistory(store())) {
            assertThat(s.finished(JobId.of(3))).hasValue(finishedJob(3, "alice", JobState.CANCELLED, 20));
            assertThat(s.finished(JobId.of(4))).isEmpty();
            assertThat(s.finished(JobId.of(99))).isEmpty();
        }
    }

    @Test
    void history_searches_filter_and_come_newest_first() {
        try (StateStore s = withHistory(store())) {
            assertThat(s.search(HistoryQuery.newest(10))).extracting(j -> j.id().value()).containsExactly(2L, 3L, 1L);
            assertThat(s.search(HistoryQuery.newest(2))).extracting(j -> j.id().value()).containsExactly(2L, 3L);
            assertThat(s.search(new HistoryQuery("alice", null, null, null, null, 10)))
                    .extracting(j -> j.id().value()).containsExactly(3L, 1L);
            assertThat(s.search(new HistoryQuery(null, "lab-bob", null, null, null, 10)))
                    .extracting(j -> j.id().value()).containsExactly(2L);
            assertThat(s.search(new HistoryQuery(null, null, java.util.Set.of(JobState.COMPLETED, JobState.FAILED),
                    null, null, 10))).extracting(j -> j.id().value()).containsExactly(2L, 1L);
            assertThat(s.search(new HistoryQuery(null, null, null, T.plusSeconds(15), T.plusSeconds(30), 10)))
                    .extracting(j -> j.id().value()).as("after inclusive, before exclusive").containsExactly(3L);
        }
    }

    @Test
    void purging_removes_only_jobs_that_ended_before_the_cutoff() {
        try (StateStore s = withHistory(store())) {
            assertThat(s.purgeEndedBefore(T.plusSeconds(25), 100)).isEqualTo(2);
            assertThat(s.search(HistoryQuery.newest(10))).extracting(j -> j.id().value()).containsExactly(2L);
            assertThat(s.finished(JobId.of(1))).isEmpty();
            assertThat(s.load(0).jobs()).extracting(j -> j.id().value()).containsExactly(4L);
            assertThat(s.purgeEndedBefore(T.plusSeconds(100), 0)).isZero();
        }
    }

    @Test
    void jobs_load_in_id_order_beyond_one_byte_of_ids() {
        try (StateStore s = store()) {
            List<StateChange> changes = new ArrayList<>();
            for (long id = 300; id >= 250; id--) {
                changes.add(new StateChange.JobUpserted(job(id, JobState.PENDING)));
            }
            s.commit(changes);
            assertThat(s.load(100).jobs()).extracting(j -> j.id().value()).isSorted().hasSize(51);
        }
    }

    static final Instant AUDIT_T0 = Instant.parse("2026-11-20T10:00:00.000123Z");

    static dev.rota.daemon.audit.AuditEntry audit(int minutes, String user, String action, String target) {
        return new dev.rota.daemon.audit.AuditEntry(AUDIT_T0.plusSeconds(60L * minutes), user, action, target,
                action.equals("drain") ? "fan \"broken\"" : "", "127.0.0.1:4" + minutes, "OK", "");
    }

    @Test
    void audit_entries_come_back_oldest_first_filtered_by_time_and_user_keeping_the_most_recent() {
        try (StateStore s = store()) {
            var log = s.audit();
            var cancel = audit(0, "alice", "cancel", "7");
            var drain = audit(1, "root", "drain", "node-1");
            var sameMinute = audit(1, "root", "resume", "node-1");
            var late = audit(5, "alice", "cancel", "8");
            log.append(List.of(cancel, drain));
            log.append(List.of(sameMinute, late));

            assertThat(log.search(new dev.rota.daemon.audit.AuditQuery(null, null, "", 100)))
                    .containsExactly(cancel, drain, sameMinute, late);
            assertThat(log.search(new dev.rota.daemon.audit.AuditQuery(null, null, "", 2)))
                    .containsExactly(sameMinute, late);
            assertThat(log.search(new dev.rota.daemon.audit.AuditQuery(AUDIT_T0.plusSeconds(60), null, "", 100)))
                    .containsExactly(drain, sameMinute, late);
            assertThat(log.search(new dev.rota.daemon.audit.AuditQuery(null, AUDIT_T0.plusSeconds(300), "", 100)))
                    .containsExactly(cancel, drain, sameMinute);
            assertThat(log.search(new dev.rota.daemon.audit.AuditQuery(null, null, "alice", 100)))
                    .containsExactly(cancel, late);
        }
    }

    @Test
    void audit_retention_deletes_the_oldest_entries_in_bounded_batches() {
        try (StateStore s = store()) {
            var log = s.audit();
            List<dev.rota.daemon.audit.AuditEntry> all = new ArrayList<>();
            for (int m = 0; m < 5; m++) {
                all.add(audit(m, "root", "drain", "node-" + m));
            }
            log.append(all);

            assertThat(log.purgeBefore(AUDIT_T0.plusSeconds(60 * 3), 2)).isEqualTo(2);
            assertThat(log.purgeBefore(AUDIT_T0.plusSeconds(60 * 3), 2)).isEqualTo(1);
            assertThat(log.purgeBefore(AUDIT_T0.plusSeconds(60 * 3), 2)).isZero();
            assertThat(log.search(new dev.rota.daemon.audit.AuditQuery(null, null, "", 100)))
                    .containsExactlyElementsOf(all.subList(3, 5));
        }
    }
}
