package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.ListHistoryRequest;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HistoryCommandTest {
    private final FakeRotad rotad = new FakeRotad()
            .with(Examples.completedSweep())
            .with(Examples.runningTraining());

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    @Test
    void showsFinishedJobsInSacctsColumns() {
        var result = rotad.rota("history");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                JOBID  NAME   PARTITION  ACCOUNT      USER   STATE      EXITCODE  ELAPSED  END                   NODELIST
                    3  sweep  debug      ml-research  alice  COMPLETED         0     1:05  2026-11-23T09:01:15Z  node-2
                """);
        assertThat(rotad.historyQueries).containsExactly(ListHistoryRequest.newBuilder().setLimit(100).build());
    }

    @Test
    void filtersAndTimeBoundsGoToTheDaemon() {
        var result = rotad.rota("history", "-u", "alice", "-A", "lab", "-s", "CD,f", "-S", "2026-11-20", "-E",
                "now-1h", "-n", "5");

        assertThat(result.exitCode()).isZero();
        assertThat(rotad.historyQueries).containsExactly(ListHistoryRequest.newBuilder().setUser("alice")
                .setAccount("lab").addStates(JobState.JOB_STATE_COMPLETED).addStates(JobState.JOB_STATE_FAILED)
                .setEndedAfter(ts("2026-11-20T00:00:00Z")).setEndedBefore(ts("2026-11-23T11:00:00Z")).setLimit(5)
                .build());
    }

    @Test
    void liveStatesAndBadTimesAreUsageErrors() {
        assertThat(rotad.rota("history", "-s", "RUNNING").exitCode()).isEqualTo(2);
        var bad = rotad.rota("history", "-S", "yesterday");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid time 'yesterday'");
        assertThat(rotad.historyQueries).isEmpty();
    }

    @Test
    void jsonListsTheJobs() {
        var result = rotad.rota("history", "--json");
        assertThat(result.out()).startsWith("{\n  \"jobs\": [").contains("\"id\": 3")
                .contains("\"state\": \"COMPLETED\"").doesNotContain("\"id\": 7");
    }

    private static Timestamp ts(String iso) {
        Instant t = Instant.parse(iso);
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
    }
}
