package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.SubmitJobRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running work survives the daemon: SIGKILL rotad under 20 running jobs, let half of them end while
 * it is down, restart it on the same data, and every job ends once, with its real exit code.
 */
class RestartIT {
    private static final java.time.Duration SOON = java.time.Duration.ofSeconds(60);

    @Test
    void twenty_running_jobs_survive_a_daemon_kill_and_end_with_their_real_exit_codes(@TempDir Path dir)
            throws IOException {
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon().startAgent("node-1", 8).startAgent("node-2", 8);
            Path work = Files.createDirectories(dir.resolve("work"));
            // Each job records its start, waits for its go-file, then exits with id % 3.
            String script = "#!/bin/bash\necho started >> starts-$SLURM_JOB_ID\n"
                    + "while [ ! -e go-$SLURM_JOB_ID ]; do sleep 0.1; done\necho done\nexit $((SLURM_JOB_ID % 3))\n";
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(cluster.jobs().submitJob(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder()
                        .setName("survivor").setNodes(1).setGpusPerNode(0).setScript(script)
                        .setWorkingDir(work.toString()).setTimeLimit(Duration.newBuilder().setSeconds(600))
                        .putEnvironment("PATH", System.getenv("PATH"))).build()).getJobId());
            }
            cluster.await("all 20 jobs to run", SOON, () -> ids.stream()
                    .allMatch(id -> cluster.job(id).getState() == JobState.JOB_STATE_RUNNING
                            && Files.exists(work.resolve("starts-" + id))));

            cluster.killDaemon();
            List<Long> endWhileDown = ids.subList(0, 10);
            for (long id : endWhileDown) {
                Files.createFile(work.resolve("go-" + id));
            }
            cluster.await("half the jobs to end while rotad is down", SOON, () -> endWhileDown.stream()
                    .allMatch(id -> read(work.resolve("rota-" + id + ".out")).contains("done")));

            cluster.startDaemon();
            cluster.await("agents to report back", SOON, () -> cluster.node("node-1").orElseThrow().getState()
                    != dev.rota.api.v1.NodeState.NODE_STATE_NOT_RESPONDING && cluster.node("node-2").orElseThrow()
                    .getState() != dev.rota.api.v1.NodeState.NODE_STATE_NOT_RESPONDING);
            for (long id : ids.subList(10, 20)) {
                assertThat(cluster.job(id).getState()).as("job %d kept running", id)
                        .isEqualTo(JobState.JOB_STATE_RUNNING);
                Files.createFile(work.resolve("go-" + id));
            }

            for (long id : ids) {
                Job job = cluster.awaitJob(id, "to end", SOON,
                        j -> j.getState().getNumber() > JobState.JOB_STATE_RUNNING_VALUE);
                int expected = (int) (id % 3);
                assertThat(job.getState()).as("job %d", id)
                        .isEqualTo(expected == 0 ? JobState.JOB_STATE_COMPLETED : JobState.JOB_STATE_FAILED);
                assertThat(job.getExitCode()).as("job %d exit code", id).isEqualTo(expected);
                assertThat(job.getAttempts()).as("job %d attempts", id).isEqualTo(1);
                assertThat(Files.readAllLines(work.resolve("starts-" + id))).as("job %d started once", id)
                        .containsExactly("started");
            }
        }
    }

    /**
     * The agent journal: jobs end while rotad is down, then their agent restarts too (SIGKILL, the
     * harshest case). The new agent still reports the real exits, so rotad records them instead of
     * taking the jobs for lost and running them a second time.
     */
    @Test
    void exits_seen_while_rotad_was_down_survive_an_agent_restart(@TempDir Path dir) throws IOException {
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon().startAgent("node-1", 8);
            Path work = Files.createDirectories(dir.resolve("work"));
            String script = "#!/bin/bash\necho started >> starts-$SLURM_JOB_ID\n"
                    + "while [ ! -e go-$SLURM_JOB_ID ]; do sleep 0.1; done\necho done\nexit $((SLURM_JOB_ID % 2 * 3))\n";
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ids.add(cluster.jobs().submitJob(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder()
                        .setName("journalled").setNodes(1).setGpusPerNode(1).setScript(script)
                        .setWorkingDir(work.toString()).setTimeLimit(Duration.newBuilder().setSeconds(600))
                        .putEnvironment("PATH", System.getenv("PATH"))).build()).getJobId());
            }
            cluster.await("both jobs to run", SOON, () -> ids.stream()
                    .allMatch(id -> Files.exists(work.resolve("starts-" + id))));

            cluster.killDaemon();
            for (long id : ids) {
                Files.createFile(work.resolve("go-" + id));
            }
            cluster.await("both jobs to end while rotad is down", SOON, () -> ids.stream()
                    .allMatch(id -> read(work.resolve("rota-" + id + ".out")).contains("done")));
            cluster.killAgent("node-1");

            cluster.startDaemon().startAgent("node-1", 8);

            for (long id : ids) {
                Job job = cluster.awaitJob(id, "to end", SOON,
                        j -> j.getState().getNumber() > JobState.JOB_STATE_RUNNING_VALUE);
                int expected = (int) (id % 2 * 3);
                assertThat(job.getState()).as("job %d", id)
                        .isEqualTo(expected == 0 ? JobState.JOB_STATE_COMPLETED : JobState.JOB_STATE_FAILED);
                assertThat(job.getExitCode()).as("job %d exit code", id).isEqualTo(expected);
                assertThat(job.getAttempts()).as("job %d attempts", id).isEqualTo(1);
                assertThat(Files.readAllLines(work.resolve("starts-" + id))).as("job %d started once", id)
                        .containsExactly("started");
            }
        }
    }

    /**
     * The agent dies (SIGKILL to its JVM alone) under a running job and comes back: the job, under its
     * rota-stepd, keeps running, the new agent re-adopts it, and its real exit reaches rotad.
     */
    @Test
    void a_running_job_survives_an_agent_kill_and_its_exit_is_reported_after_the_restart(@TempDir Path dir)
            throws IOException {
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon().startAgent("node-1", 2);
            Path work = Files.createDirectories(dir.resolve("work"));
            String script = "#!/bin/bash\necho started >> starts-$SLURM_JOB_ID\n"
                    + "while [ ! -e go-$SLURM_JOB_ID ]; do sleep 0.1; done\necho done\nexit 4\n";
            long id = cluster.jobs().submitJob(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder()
                    .setName("adopted").setNodes(1).setGpusPerNode(1).setScript(script)
                    .setWorkingDir(work.toString()).setTimeLimit(Duration.newBuilder().setSeconds(600))
                    .putEnvironment("PATH", System.getenv("PATH"))).build()).getJobId();
            cluster.await("the job to run", SOON, () -> Files.exists(work.resolve("starts-" + id)));

            cluster.killAgentOnly("node-1");
            cluster.startAgent("node-1", 2);
            // The node is still listed from before; wait for the new agent's own registration.
            cluster.await("the new agent to register", SOON,
                    () -> cluster.log("node-1").split("registered with rotad", -1).length - 1 == 2);

            assertThat(cluster.log("node-1")).contains("re-adopted 1 running jobs");
            assertThat(cluster.job(id).getState()).as("still running after the agent came back")
                    .isEqualTo(JobState.JOB_STATE_RUNNING);
            Files.createFile(work.resolve("go-" + id));
            Job job = cluster.awaitJob(id, "to end", SOON,
                    j -> j.getState().getNumber() > JobState.JOB_STATE_RUNNING_VALUE);
            assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(job.getExitCode()).isEqualTo(4);
            assertThat(job.getAttempts()).isEqualTo(1);
            assertThat(Files.readAllLines(work.resolve("starts-" + id))).containsExactly("started");
            assertThat(read(work.resolve("rota-" + id + ".out"))).isEqualTo("done\n");
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
