package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import dev.rota.api.v1.CancelJobRequest;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.NodeState;
import dev.rota.api.v1.SubmitJobRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online backup and the restore docs/operations.md describes: back up a live cluster with
 * {@code rota admin backup}, stop rotad, put the backup at {@code <data-dir>/db} of a fresh data
 * dir, start rotad there, and find every job in the state the backup recorded: the running one
 * keeps running and finishes, one cancelled after the backup is pending again, and one started
 * after the backup (unknown to it) is killed when its agent reports it.
 */
class BackupIT {
    private static final java.time.Duration SOON = java.time.Duration.ofSeconds(30);

    @Test
    void a_backup_of_a_live_cluster_restores_into_a_fresh_data_dir_with_every_job_in_its_state(@TempDir Path dir)
            throws IOException {
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon().startAgent("node-1", 4);
            Path work = Files.createDirectories(dir.resolve("work"));
            long completed = submit(cluster, work, "completes", 0, "exit 0");
            long failed = submit(cluster, work, "fails", 0, "exit 3");
            long running = submit(cluster, work, "runs", 4, waitForGo());
            long pending = submit(cluster, work, "waits", 4, "exit 0");
            long cancelled = submit(cluster, work, "cancelled", 4, "exit 0");
            cluster.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(cancelled).build());
            cluster.awaitState(completed, JobState.JOB_STATE_COMPLETED, SOON);
            cluster.awaitState(failed, JobState.JOB_STATE_FAILED, SOON);
            cluster.awaitState(running, JobState.JOB_STATE_RUNNING, SOON);
            cluster.awaitState(pending, JobState.JOB_STATE_PENDING, SOON);
            cluster.awaitState(cancelled, JobState.JOB_STATE_CANCELLED, SOON);

            // A relative DIR is taken from the caller's directory.
            var backup = cluster.rota(work, "admin", "backup", "backup-1");
            Path backupDir = work.resolve("backup-1");
            assertThat(backup.exit()).as("%s", backup).isZero();
            assertThat(backup.out()).matches("Backup of 5 jobs written to " + backupDir + " \\(\\d+\\.\\d\\d MiB\\)\n");
            assertThat(backupDir.resolve("CURRENT")).exists();
            var again = cluster.rota(work, "admin", "backup", "--json", backupDir.toString());
            assertThat(again.exit()).as("%s", again).isEqualTo(1);
            assertThat(again.out()).isEmpty();
            assertThat(again.err()).isEqualTo("rota: the backup directory " + backupDir
                    + " already exists; a backup is written to a new directory\n");

            // After the backup: the waiting job is cancelled (the backup still has it pending), which
            // lets one more start, that the restored daemon will never have heard of.
            cluster.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(pending).build());
            cluster.awaitState(pending, JobState.JOB_STATE_CANCELLED, SOON);
            long unknown = submit(cluster, work, "after-backup", 0, waitForGo());
            cluster.awaitState(unknown, JobState.JOB_STATE_RUNNING, SOON);
            cluster.await("job " + unknown + " to write its pid", SOON, () -> Files.exists(work.resolve("pid-" + unknown)));
            long unknownPid = Long.parseLong(Files.readString(work.resolve("pid-" + unknown)).trim());

            cluster.stopDaemon();
            Path restored = Files.createDirectories(dir.resolve("restored-data"));
            copy(backupDir, restored.resolve("db"));
            cluster.startDaemonOn(restored);

            cluster.await("node-1 to report back", SOON, () -> cluster.node("node-1").orElseThrow().getState()
                    != NodeState.NODE_STATE_NOT_RESPONDING);
            assertThat(cluster.job(completed).getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
            assertThat(cluster.job(failed).getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(cluster.job(failed).getExitCode()).isEqualTo(3);
            assertThat(cluster.job(cancelled).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
            assertThat(cluster.job(running).getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
            assertThat(cluster.job(pending).getState()).isEqualTo(JobState.JOB_STATE_PENDING);
            assertThatThrownBy(() -> cluster.job(unknown)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
            cluster.await("job " + unknown + " (unknown to the backup) to be killed", SOON,
                    () -> !RotaProcesses.alive(unknownPid));

            // The restored cluster carries on: the running job finishes, the pending one gets its GPUs.
            Files.createFile(work.resolve("go-" + running));
            assertThat(cluster.awaitState(running, JobState.JOB_STATE_COMPLETED, SOON).getAttempts()).isEqualTo(1);
            cluster.awaitState(pending, JobState.JOB_STATE_COMPLETED, SOON);
        }
    }

    /** Records its pid, then waits for {@code go-<id>} in its directory. */
    private static String waitForGo() {
        return "echo $$ > pid-$SLURM_JOB_ID\nwhile [ ! -e go-$SLURM_JOB_ID ]; do sleep 0.1; done\n";
    }

    private static long submit(RotaProcesses cluster, Path work, String name, int gpus, String body) {
        return cluster.jobs().submitJob(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder()
                .setName(name).setNodes(1).setGpusPerNode(gpus).setScript("#!/bin/bash\n" + body + "\n")
                .setWorkingDir(work.toString()).setTimeLimit(Duration.newBuilder().setSeconds(600))
                .putEnvironment("PATH", System.getenv("PATH"))).build()).getJobId();
    }

    /** {@code cp -r from to}, as the restore procedure does. */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(f -> {
                try {
                    Files.copy(f, to.resolve(from.relativize(f).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
