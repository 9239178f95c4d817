package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the agent runs jobs, end to end through bin/rota, bin/rotad and bin/rota-agent: the early
 * {@code --signal}, admin prolog and epilog, and more as they come.
 */
class ExecutionIT {
    private static final Duration SOON = Duration.ofSeconds(90);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)");

    static long jobId(RotaProcesses.Result submitted) {
        Matcher m = SUBMITTED.matcher(submitted.out());
        assertThat(m.find()).as("submit output: %s", submitted).isTrue();
        return Long.parseLong(m.group(1));
    }

    static Job awaitEnd(RotaProcesses cluster, long id) {
        return cluster.awaitJob(id, "to end", SOON, j -> j.getState().getNumber() > JobState.JOB_STATE_RUNNING_VALUE);
    }

    @Test
    void a_script_traps_its_signal_before_the_time_limit_and_checkpoints(@TempDir Path dir) throws IOException {
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon().startAgent("node-1", 2);
            Path work = Files.createDirectories(dir.resolve("work"));
            // A 30 s limit, warned 28 s ahead: without the warning the loop would run into TIMEOUT.
            Files.writeString(work.resolve("ckpt.sh"), """
                    #!/bin/bash
                    #SBATCH --time=0:30
                    #SBATCH --signal=B:USR1@28
                    trap 'echo "checkpoint at $SECONDS s" > checkpoint.txt; exit 0' USR1
                    for i in $(seq 1 600); do sleep 0.1; done
                    exit 9
                    """);

            RotaProcesses.Result submitted = cluster.rota(work, "submit", "ckpt.sh");

            assertThat(submitted.exit()).as("%s", submitted).isZero();
            assertThat(submitted.err()).as("no 'not enforced' warning: %s", submitted).isEmpty();
            long id = jobId(submitted);
            assertThat(cluster.job(id).getSpec().getSignal()).isEqualTo("B:USR1@28");
            Job job = awaitEnd(cluster, id);
            assertThat(job.getState()).as("%s", job).isEqualTo(JobState.JOB_STATE_COMPLETED);
            assertThat(Files.readString(work.resolve("checkpoint.txt"))).startsWith("checkpoint at ");
        }
    }

    @Test
    void a_failing_prolog_requeues_the_job_and_drains_its_node_and_a_failing_epilog_drains_too(@TempDir Path dir)
            throws IOException {
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            Path work = Files.createDirectories(dir.resolve("work"));
            Path log = work.resolve("admin.log");
            Path prolog = executable(dir.resolve("prolog"), """
                    #!/bin/bash
                    echo "prolog $SLURMD_NODENAME job=$SLURM_JOB_ID user=$SLURM_JOB_USER nodes=$SLURM_JOB_NODELIST" >> %s
                    if [ "$SLURMD_NODENAME" = node-1 ]; then echo "no scratch space on $SLURMD_NODENAME"; exit 3; fi
                    """.formatted(log));
            Path epilog = executable(dir.resolve("epilog"), """
                    #!/bin/bash
                    echo "epilog $SLURMD_NODENAME job=$SLURM_JOB_ID exit=$SLURM_JOB_EXIT_CODE" >> %s
                    if [ "$SLURMD_NODENAME" = node-2 ]; then echo "GPU memory still in use"; exit 2; fi
                    """.formatted(log));
            String[] admin = {"--fake-gpus", "2", "--prolog", prolog.toString(), "--epilog", epilog.toString()};
            cluster.startDaemon().startAgentWith("node-1", java.util.Map.of(), admin);
            Files.writeString(work.resolve("job.sh"), "#!/bin/bash\necho ran on $SLURMD_NODENAME\n");

            long id = jobId(cluster.rota(work, "submit", "job.sh"));

            cluster.await("node-1 to be drained by its prolog", SOON, () -> cluster.node("node-1").orElseThrow()
                    .getReason().equals("prolog " + prolog + " exited 3: no scratch space on node-1"));
            assertThat(cluster.node("node-1").orElseThrow().getDrainedBy()).isEqualTo("rota-agent");
            Job requeued = cluster.awaitState(id, JobState.JOB_STATE_PENDING, SOON);
            assertThat(requeued.getAttempts()).isEqualTo(1);

            cluster.startAgentWith("node-2", java.util.Map.of(), admin);
            Job done = awaitEnd(cluster, id);
            assertThat(done.getState()).as("%s", done).isEqualTo(JobState.JOB_STATE_COMPLETED);
            assertThat(done.getAttempts()).isEqualTo(2);
            assertThat(Files.readString(work.resolve("rota-" + id + ".out"))).isEqualTo("ran on node-2\n");

            cluster.await("node-2 to be drained by its epilog", SOON, () -> cluster.node("node-2").orElseThrow()
                    .getReason().equals("epilog " + epilog + " exited 2: GPU memory still in use"));
            assertThat(Files.readAllLines(log)).contains(
                    "prolog node-1 job=" + id + " user=" + System.getProperty("user.name") + " nodes=node-1",
                    "prolog node-2 job=" + id + " user=" + System.getProperty("user.name") + " nodes=node-2",
                    "epilog node-2 job=" + id + " exit=0");
        }
    }

    private static Path executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /**
     * A root agent runs a job, and its srun tasks, as the user who submitted it, and refuses one
     * submitted by root.
     * Skipped unless the test runs as root with useradd at hand: only root can make a user and
     * switch to it.
     */
    @Test
    void a_root_agent_runs_each_job_as_its_submitter_and_none_as_root(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "not root: only root can run a job as another user");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")),
                "no /usr/sbin/useradd to create a test user");
        String user = "rota-it" + java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000, 999_999);
        sh("useradd", "--create-home", "--user-group", "--shell", "/bin/bash", user);
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.agentsRunJobsAsSubmitters().startDaemon().startAgent("node-1", 1);
            Path work = Files.createDirectories(dir.resolve("work"));
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            sh("chown", user, work.toString());

            long id = cluster.jobsAs(user).submitJob(dev.rota.api.v1.SubmitJobRequest.newBuilder()
                    .setSpec(dev.rota.api.v1.JobSpec.newBuilder().setName("mine").setNodes(1)
                            .setScript("#!/bin/bash\necho \"$(id -un) $(id -u) $HOME\"\n"
                                    + "srun bash -c 'echo \"task $(id -un) $HOME\"'\n")
                            .setWorkingDir(work.toString())
                            .setTimeLimit(com.google.protobuf.Duration.newBuilder().setSeconds(60)))
                    .build()).getJobId();

            Job job = awaitEnd(cluster, id);
            assertThat(job.getState()).as("%s\n%s", job, cluster.log("node-1")).isEqualTo(JobState.JOB_STATE_COMPLETED);
            String uid = new String(new ProcessBuilder("id", "-u", user).start().getInputStream().readAllBytes()).strip();
            assertThat(Files.readString(work.resolve("rota-" + id + ".out")))
                    .isEqualTo(user + " " + uid + " /home/" + user + "\ntask " + user + " /home/" + user + "\n");

            Files.writeString(work.resolve("root.sh"), "#!/bin/bash\ntouch ran-as-root\n");
            long rootJob = jobId(cluster.rota(work, "submit", "root.sh"));
            Job refused = awaitEnd(cluster, rootJob);
            assertThat(refused.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(refused.getReason()).contains("this agent runs no job as root unless started with --allow-root-jobs");
            assertThat(work.resolve("ran-as-root")).doesNotExist();
        } finally {
            sh("userdel", "--remove", user);
        }
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
