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
        assertThat(rotad.listings).containsExactly(ListJobsRequest.newBuilder().addUsers("alice")
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

    private static Caller aliceWith(java.util.Map<String, String> extra, boolean terminal) {
        java.util.Map<String, String> env = new java.util.HashMap<>(FakeRotad.ALICE.environment());
        env.putAll(extra);
        return new Caller("alice", env, FakeRotad.ALICE.workingDir(), FakeRotad.ALICE.stdin(), terminal);
    }

    private void moreJobs() {
        rotad.with(Examples.pendingEvaluation().toBuilder().setId(13).setUser("alice").setAccount("ml-research")
                .setPartition("debug").setReason("Priority")
                .setSpec(Examples.pendingEvaluation().getSpec().toBuilder().setName("a-very-long-job-name-for-sweeps"))
                .build());
    }

    @Test
    void theDefaultColumnsAreSqueues() {
        moreJobs();
        var result = rotad.rota("queue");

        assertThat(result.exitCode()).isZero();
        Golden.assertMatches("queue-default", result.out());
    }

    @Test
    void aNarrowTerminalShortensTheTextColumnsNeverTheNumbers() {
        moreJobs();
        var result = rotad.rota(aliceWith(java.util.Map.of("COLUMNS", "60"), false), "queue");

        Golden.assertMatches("queue-columns-60", result.out());
        assertThat(result.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(60));
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColor() {
        var tty = rotad.rota(aliceWith(java.util.Map.of(), true), "queue");
        var noColor = rotad.rota(aliceWith(java.util.Map.of("NO_COLOR", "1"), true), "queue");
        var piped = rotad.rota("queue");

        assertThat(tty.out()).contains("\u001b[32mR\u001b[0m", "\u001b[33mPD\u001b[0m");
        assertThat(noColor.out()).doesNotContain("\u001b").isEqualTo(piped.out());
    }

    @Test
    void formatTakesSqueueFieldLettersWidthsAndAlignment() {
        moreJobs();
        var result = rotad.rota("queue", "--all", "--format", "%.6i|%-9P|%.10j|%u|%T|%l|%D|%C|%b|%a|%q|%V|%S|%N|%r");

        assertThat(result.exitCode()).as(result.err()).isZero();
        Golden.assertMatches("queue-format", result.out());
    }

    @Test
    void sortByStateThenDescendingIdWithoutHeader() {
        moreJobs();
        var result = rotad.rota("queue", "-S", "t,-i", "-h", "-o", "%i %t");

        assertThat(result.out()).isEqualTo("""
                13 PD
                12 PD
                7  R
                """);
    }

    @Test
    void filtersGoToTheDaemon() {
        moreJobs();
        var result = rotad.rota("queue", "--me", "-A", "ml-research", "-p", "debug,gpu", "-o", "%i");

        assertThat(result.out()).isEqualTo("JOBID\n7\n13\n");
        assertThat(rotad.listings.getLast()).isEqualTo(ListJobsRequest.newBuilder().setIncludeFinished(false)
                .addAccounts("ml-research").addPartitions("debug").addPartitions("gpu").addUsers("alice").build());
    }

    @Test
    void jobIdsShowFinishedJobsAndNameTheUnknownOnes() {
        var result = rotad.rota("queue", "-j", "3,99", "-o", "%i %T");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEqualTo("JOBID STATE\n3     COMPLETED\n");
        assertThat(result.err()).isEqualTo("rota: job 99 does not exist (or finished long ago: see rota history)\n");
    }

    @Test
    void anUnknownFieldOrSortKeyIsAUsageError() {
        var format = rotad.rota("queue", "-o", "%i %Z");
        var sort = rotad.rota("queue", "-S", "zz");

        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).startsWith("rota: unknown field '%Z' in format '%i %Z' (fields: %i %P");
        assertThat(sort.exitCode()).isEqualTo(2);
        assertThat(sort.err()).startsWith("rota: unknown sort key 'zz'");
        assertThat(rotad.listings).isEmpty();
    }

    @Test
    void helpIsDashDashHelpBecauseDashHIsNoHeader() {
        var result = rotad.rota("queue", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("-h, --noheader", "%Q priority", "--me");
    }
}
