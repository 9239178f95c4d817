package dev.rota.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.engine.StateChange;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryJanitorTest {
    @Test
    void a_pass_deletes_jobs_that_ended_before_the_retention_and_keeps_the_rest() {
        InMemoryStateStore store = new InMemoryStateStore();
        store.commit(List.of(
                new StateChange.JobUpserted(StateStoreContract.finishedJob(1, "alice", JobState.COMPLETED, 0)),
                new StateChange.JobUpserted(StateStoreContract.finishedJob(2, "alice", JobState.FAILED, 3600))));
        Clock now = Clock.fixed(StateStoreContract.T.plus(Duration.ofDays(30)).plusSeconds(60), ZoneOffset.UTC);
        // The interval is long: only the explicit pass runs in this test (the one at start may run too).
        try (HistoryJanitor janitor = new HistoryJanitor(store, now, Duration.ofDays(30), Duration.ofDays(1))) {
            janitor.purge();
            assertThat(store.finished(JobId.of(1))).isEmpty();
            assertThat(store.finished(JobId.of(2))).isPresent();
        }
    }
}
