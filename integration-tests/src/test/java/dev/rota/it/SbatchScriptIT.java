package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sbatch scripts, end to end: bin/rota submit reads their #SBATCH directives, the job runs on two
 * fake-GPU nodes, and the script finds its head node with scontrol show hostnames as training
 * scripts do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SbatchScriptIT {
    private static final Duration SOON = Duration.ofSeconds(90);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)");

    /** The shape of a multi-node launcher script: directives, the head node from scontrol, one srun. */
    private static final String LLM = """
            #!/bin/bash
            #SBATCH -N 2
            #SBATCH --gres=gpu:4                # four GPUs on each node
            #SBATCH -t 0:10:00
            #SBATCH -J llm -o logs-%x-%j.out
            #SBATCH --ntasks-per-node=1
            #SBATCH --cpus-per-task=8

            head=$(scontrol show hostnames $SLURM_JOB_NODELIST | head -n 1)
            echo "batch head=$head nodes=$(scontrol show hostnames | wc -l) args=$*"
            srun bash -c 'echo rank=$SLURM_PROCID node=$SLURMD_NODENAME head='$head' gpus=$CUDA_VISIBLE_DEVICES cpus=$SLURM_CPUS_PER_TASK'
            """;

    RotaProcesses cluster;
    Path work;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws IOException {
        cluster = new RotaProcesses(dir).startDaemon().startAgent("node-1", 8).startAgent("node-2", 8);
        work = Files.createDirectories(dir.resolve("work"));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static long jobId(RotaProcesses.Result submitted) {
        Matcher m = SUBMITTED.matcher(submitted.out());
        assertThat(m.find()).as("submit output: %s", submitted).isTrue();
        return Long.parseLong(m.group(1));
    }

    private Job awaitEnd(long id) {
        return cluster.awaitJob(id, "to end", SOON, j -> j.getState().getNumber() > JobState.JOB_STATE_RUNNING_VALUE);
    }

    @Test
    void a_real_script_runs_as_its_directives_ask_and_every_rank_sees_the_head_node() throws IOException {
        Files.writeString(work.resolve("llm.sh"), LLM);

        RotaProcesses.Result submitted = cluster.rota(work, "submit", "llm.sh", "--lr", "3e-4");

        assertThat(submitted.exit()).as("%s", submitted).isZero();
        assertThat(submitted.err()).as("%s", submitted).isEqualTo("llm.sh:7: warning: --cpus-per-task is accepted but "
                + "not enforced yet: tasks are not limited to CPUs; the job sees SLURM_CPUS_PER_TASK\n");
        long id = jobId(submitted);
        Job done = awaitEnd(id);
        Path log = work.resolve("logs-llm-" + id + ".out");
        String output = Files.exists(log) ? Files.readString(log) : "(no " + log + ")";
        assertThat(done.getState()).as("job ended; output:\n%s", output).isEqualTo(JobState.JOB_STATE_COMPLETED);
        assertThat(done.getSpec().getName()).isEqualTo("llm");
        assertThat(done.getSpec().getNodes()).isEqualTo(2);
        assertThat(done.getSpec().getGpusPerNode()).isEqualTo(4);
        assertThat(done.getSpec().getTimeLimit().getSeconds()).isEqualTo(600);
        assertThat(done.getNodelist()).isEqualTo("node-[1-2]");

        assertThat(lines(output, "batch ")).containsExactly("batch head=node-1 nodes=2 args=--lr 3e-4");
        List<String> ranks = lines(output, "rank=").stream().sorted().toList();
        assertThat(ranks).as(output).hasSize(2);
        assertThat(ranks.get(0)).matches("rank=0 node=node-1 head=node-1 gpus=\\d+,\\d+,\\d+,\\d+ cpus=8");
        assertThat(ranks.get(1)).matches("rank=1 node=node-2 head=node-1 gpus=\\d+,\\d+,\\d+,\\d+ cpus=8");
    }

    @Test
    void a_heredoc_on_stdin_with_the_command_line_overriding_it() throws IOException {
        RotaProcesses.Result submitted = cluster.rotaWithStdin(work, """
                #! /bin/bash
                #SBATCH --nodes=2 --job-name=heredoc
                #SBATCH --output=heredoc-%j.out
                scontrol show hostnames
                """, "submit", "-N", "1", "-");

        assertThat(submitted.exit()).as("%s", submitted).isZero();
        long id = jobId(submitted);
        Job done = awaitEnd(id);
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
        assertThat(done.getSpec().getNodes()).as("-N 1 on the command line wins").isEqualTo(1);
        assertThat(Files.readString(work.resolve("heredoc-" + id + ".out"))).isIn("node-1\n", "node-2\n");
    }

    @Test
    void a_script_with_errors_is_refused_with_their_lines_and_nothing_is_submitted() throws IOException {
        Files.writeString(work.resolve("broken.sh"), """
                #!/bin/bash
                #SBATCH -N 2
                #SBATCH --array=1-10%1
                #SBATCH --time="1 day"
                srun hostname
                """);
        int before = cluster.jobs().listJobs(dev.rota.api.v1.ListJobsRequest.newBuilder().setIncludeFinished(true)
                .build()).getJobsCount();

        RotaProcesses.Result refused = cluster.rota(work, "submit", "broken.sh");

        assertThat(refused.exit()).as("%s", refused).isEqualTo(2);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).isEqualTo("""
                broken.sh:3: --array=1-10%1: job arrays are not supported yet
                broken.sh:4: invalid --time value '1 day' (use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)
                rota: nothing submitted: 2 errors in broken.sh
                """);
        assertThat(cluster.jobs().listJobs(dev.rota.api.v1.ListJobsRequest.newBuilder().setIncludeFinished(true)
                .build()).getJobsCount()).isEqualTo(before);
    }

    private static List<String> lines(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).toList();
    }
}
