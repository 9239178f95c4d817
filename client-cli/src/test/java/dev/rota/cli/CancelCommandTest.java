package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CancelCommandTest {
    private final FakeRotad rotad = new FakeRotad()
            .with(Examples.completedSweep())
            .with(Examples.runningTraining())
            .with(Examples.pendingEvaluation());

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    @Test
    void reportsOnEachJob() {
        var result = rotad.rota("cancel", "12", "7", "3");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                Cancelled job 12
                Cancelling job 7 (RUNNING until its processes exit)
                Job 3 had already ended (COMPLETED)
                """);
        assertThat(result.err()).isEmpty();
    }

    @Test
    void anUnknownJobFailsButTheOthersAreStillCancelled() {
        var result = rotad.rota("cancel", "42", "12");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("rota: job 42 does not exist\n");
        assertThat(result.out()).isEqualTo("Cancelled job 12\n");
        assertThat(rotad.cancelled).containsExactly(42L, 12L);
    }

    @Test
    void arrayTasksAndRangesAreSentAsTheDaemonReadsThem() {
        var result = rotad.rota("cancel", "12_3", "12_[3-5,7]", "12");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Cancelled job 12_3\nCancelled job 12_[3-5,7]\n");
        assertThat(rotad.cancelled).containsExactly(12L, 12L, 12L);
        assertThat(rotad.cancelledTasks).containsExactly("3", "3-5,7", "");
    }

    @Test
    void aMalformedJobIdIsAUsageError() {
        var result = rotad.rota("cancel", "12_[5-3]");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: invalid job id '12_[5-3]': '5-3' ends before it starts");
        assertThat(rotad.cancelled).isEmpty();
    }

    @Test
    void holdReleaseRequeueAndUpdateSendTheirRequests() {
        assertThat(rotad.rota("hold", "12", "7").out()).isEqualTo("Held job 12 (PENDING)\nHeld job 7 (RUNNING)\n");
        assertThat(rotad.rota("release", "12").exitCode()).isZero();
        assertThat(rotad.rota("requeue", "7").out()).isEqualTo("Requeued job 7 (RUNNING)\n");
        var update = rotad.rota("update", "12", "--time", "5:00", "--name", "short", "--json");
        assertThat(update.out()).contains("\"job_id\": 12", "\"state\": \"PENDING\"");
        assertThat(rotad.controls).containsExactly("hold 12", "hold 7", "release 12", "requeue 7",
                "update 12 time=300 name=short");
        var missing = rotad.rota("hold", "42", "--json");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).contains("\"error\": \"job 42 does not exist\"");
        assertThat(rotad.rota("update", "12").exitCode()).as("nothing to change").isEqualTo(2);
    }

    @Test
    void needsAtLeastOneJob() {
        var result = rotad.rota("cancel");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: Missing required parameter");
    }
}
