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
    void needsAtLeastOneJob() {
        var result = rotad.rota("cancel");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: Missing required parameter");
    }
}
