package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.BackupRequest;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminCommandTest {
    private final FakeRotad rotad = new FakeRotad()
            .with(Examples.completedSweep())
            .with(Examples.runningTraining())
            .with(Examples.pendingEvaluation());

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    @Test
    void backupSendsTheDirectoryMadeAbsoluteAndReportsJobsAndSize() {
        var result = rotad.rota("admin", "backup", "backups/../rota-tonight");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("Backup of 3 jobs written to /home/alice/exp/rota-tonight (3.50 MiB)\n");
        assertThat(result.err()).isEmpty();
        assertThat(rotad.backups).containsExactly(
                BackupRequest.newBuilder().setDirectory("/home/alice/exp/rota-tonight").build());
        assertThat(rotad.callers).containsExactly("alice");
    }

    @Test
    void anAbsoluteDirectoryIsSentAsItIs() {
        var result = rotad.rota("admin", "backup", "/srv/backups/rota-0101");

        assertThat(result.exitCode()).isZero();
        assertThat(rotad.backups).extracting(BackupRequest::getDirectory).containsExactly("/srv/backups/rota-0101");
    }

    @Test
    void backupJsonPrintsTheBackup() {
        var result = rotad.rota("admin", "backup", "--json", "/srv/backups/rota-0101");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                {
                  "directory": "/srv/backups/rota-0101",
                  "size_bytes": 3670016,
                  "jobs": 3,
                  "taken_at": "2026-11-23T12:00:00Z"
                }
                """);
    }

    @Test
    void aRefusalByTheDaemonFailsWithItsReason() {
        rotad.backupRejection = Status.PERMISSION_DENIED.withDescription(
                "only an admin may back up the store: root or the user rotad runs as (rota); alice is neither");

        var result = rotad.rota("admin", "backup", "/srv/backups/rota-0101");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo(
                "rota: only an admin may back up the store: root or the user rotad runs as (rota); alice is neither\n");
    }

    @Test
    void aDirectoryTheDaemonRefusesFailsWithItsReason() {
        rotad.backupRejection = Status.INVALID_ARGUMENT.withDescription(
                "the backup directory /srv/backups/rota-0101 already exists; a backup is written to a new directory");

        var result = rotad.rota("admin", "backup", "--json", "/srv/backups/rota-0101");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("rota: the backup directory /srv/backups/rota-0101 already exists");
    }

    @Test
    void aFailedWriteSaysTheDaemonFailed() {
        rotad.backupRejection = Status.INTERNAL.withDescription("cannot write a backup of /var/lib/rota/db to "
                + "/srv/backups/rota-0101: No space left on device");

        var result = rotad.rota("admin", "backup", "/srv/backups/rota-0101");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("rota: the Rota daemon failed: INTERNAL: cannot write a backup of "
                + "/var/lib/rota/db to /srv/backups/rota-0101: No space left on device\n");
    }

    @Test
    void backupWithoutADirectoryIsAUsageError() {
        var result = rotad.rota("admin", "backup");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: Missing required parameter: 'DIR'\n")
                .contains("Try 'rota admin backup --help'");
        assertThat(rotad.callers).isEmpty();
    }

    @Test
    void adminAloneIsAUsageErrorListingItsCommands() {
        var result = rotad.rota("admin");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: missing command: backup\n");
    }

    @Test
    void helpListsAdminAndItsCommands() {
        assertThat(rotad.rota("--help").out()).contains("admin");
        assertThat(rotad.rota("admin", "--help").out()).contains("backup");
    }
}
