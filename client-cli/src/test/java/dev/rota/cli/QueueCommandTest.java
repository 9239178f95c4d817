package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.JobState;
import dev.rota.api.v1.ListJobsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QueueCommandTest {
    private final FakeRotad rotad = new FakeRotad()
            .with(Examples.completedSweep())
            .with(Examples.runningTraining())
            .with(Examples.pendingEvaluation());

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    @Test
    void showsPendingAndRunningJobsInSqueuesColumns() {
        var result = rotad.rota("queue");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                JOBID  PARTITION  NAME       USER   ST     TIME  NODES  NODELIST(REASON)
                    7  gpu        train-llm  alice  R   1:30:00      2  node-[1-2]
                   12  gpu        eval       bob    PD     0:00      1  (Resources)
                """);
        assertThat(rotad.listings).containsExactly(ListJobsRequest.newBuilder().setIncludeFinished(false).build());
    }

    @Test
    void allIncludesFinishedJobsWithTheirRunTime() {
        var result = rotad.rota("queue", "--all");

        assertThat(result.out()).isEqualTo("""
                JOBID  PARTITION  NAME       USER   ST     TIME  NODES  NODELIST(REASON)
                    3  debug      sweep      alice  CD     1:05      1  node-2
                    7  gpu        train-llm  alice  R   1:30:00      2  node-[1-2]
                   12  gpu        eval       bob    PD     0:00      1  (Resources)
                """);
        assertThat(rotad.listings.getFirst().getIncludeFinished()).isTrue();
    }

    @Test
    void filtersByUserAndStateNamesOrCodes() {
        var result = rotad.rota("queue", "-u", "alice", "-t", "r,COMPLETED");

        assertThat(result.exitCode()).isZero();
        assertThat(rotad.listings).containsExactly(ListJobsRequest.newBuilder().setUser("alice")
                .addStates(JobState.JOB_STATE_RUNNING).addStates(JobState.JOB_STATE_COMPLETED)
                .setIncludeFinished(true).build());
        assertThat(result.out().lines().skip(1).map(line -> line.strip().split("\\s+")[0]))
                .containsExactly("3", "7");
    }

    @Test
    void startListsPendingJobsWithTheirEstimatedStart() {
        rotad.with(Examples.pendingEvaluation().toBuilder().setId(13)
                .setEstimatedStartTime(com.google.protobuf.Timestamp.newBuilder()
                        .setSeconds(java.time.Instant.parse("2026-11-23T14:30:00Z").getEpochSecond())).build());
        var result = rotad.rota("queue", "--start");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                JOBID  PARTITION  NAME  USER  ST  START_TIME            NODES  NODELIST(REASON)
                   12  gpu        eval  bob   PD  N/A                       1  (Resources)
                   13  gpu        eval  bob   PD  2026-11-23T14:30:00Z      1  (Resources)
                """);
    }

    @Test
    void anUnknownStateIsAUsageError() {
        var result = rotad.rota("queue", "-t", "SLEEPING");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("unknown job state 'SLEEPING'");
        assertThat(rotad.listings).isEmpty();
    }

    @Test
    void anEmptyQueuePrintsOnlyTheHeader() {
        var result = rotad.rota("queue", "-u", "nobody");

        assertThat(result.out()).isEqualTo("JOBID  PARTITION  NAME  USER  ST  TIME  NODES  NODELIST(REASON)\n");
    }

    @Test
    void jsonListsTheJobsUnderJobs() {
        var result = rotad.rota("queue", "--json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("{\n  \"jobs\": [\n    {\n      \"id\": 7,\n")
                .contains("\"id\": 12,", "\"state\": \"PENDING\"", "\"reason\": \"Resources\"")
                .doesNotContain("\"id\": 3,");
    }
}
