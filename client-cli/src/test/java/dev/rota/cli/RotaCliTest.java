package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RotaCliTest {
    private final FakeRotad rotad = new FakeRotad();

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    @Test
    void versionPrintsTheVersion() {
        var result = rotad.rota("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("rota ");
    }

    @Test
    void helpListsEveryCommand() {
        var result = rotad.rota("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("submit", "queue", "show", "cancel", "nodes", "drain", "resume", "admin", "--address");
    }

    @Test
    void noCommandIsAUsageError() {
        var result = rotad.rota();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: missing command: submit, queue, history, show, cancel, hold, release, requeue, update, priority, share, explain, nodes, node, drain, resume, admin, audit, watch, logs, cluster, config, completion\n");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        var result = rotad.rota("sbatch");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: Unmatched argument at index 0: 'sbatch'");
        assertThat(rotad.callers).isEmpty();
    }

    @Test
    void anInstanceRunsOneCommandAfterAnother() {
        RotaCli rota = new RotaCli(rotad.channels(), FakeRotad.ALICE, FakeRotad.CLOCK);

        var first = FakeRotad.run(rota, "submit", "--parsable", "--wrap", "a");
        var second = FakeRotad.run(rota, "submit", "--wrap", "b");

        assertThat(first.out()).isEqualTo("1\n");
        assertThat(second.out()).isEqualTo("Submitted batch job 2\n");
    }

    @Test
    void anAtSignArgumentIsPassedAsIsNotReadAsAnArgumentFile() {
        var result = rotad.rota("show", "@/etc/hostname");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("@/etc/hostname");
    }
}
