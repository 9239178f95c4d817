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
                #SBATCH --array=1-10%x
                #SBATCH --time="1 day"
                srun hostname
                """);
        int before = cluster.jobs().listJobs(dev.rota.api.v1.ListJobsRequest.newBuilder().setIncludeFinished(true)
                .build()).getJobsCount();

        RotaProcesses.Result refused = cluster.rota(work, "submit", "broken.sh");

        assertThat(refused.exit()).as("%s", refused).isEqualTo(2);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).isEqualTo("""
                broken.sh:3: invalid --array value '1-10%x': the limit after % must be a positive number
                broken.sh:4: invalid --time value '1 day' (use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)
                rota: nothing submitted: 2 errors in broken.sh
                """);
        assertThat(cluster.jobs().listJobs(dev.rota.api.v1.ListJobsRequest.newBuilder().setIncludeFinished(true)
                .build()).getJobsCount()).isEqualTo(before);
    }

    /** A fake launcher on PATH: prints its name, arguments and the distributed environment it sees. */
    private Path fakeLaunchers() throws IOException {
        Path bin = Files.createDirectories(work.resolve("fakebin"));
        for (String name : List.of("torchrun", "python")) {
            Path exe = bin.resolve(name);
            Files.writeString(exe, "#!/bin/bash\n"
                    + "echo \"" + name + " args=$* procid=$SLURM_PROCID localid=$SLURM_LOCALID nodeid=$SLURM_NODEID "
                    + "ntasks=$SLURM_NTASKS nnodes=$SLURM_NNODES node=$SLURMD_NODENAME\"\n");
            exe.toFile().setExecutable(true);
        }
        return bin;
    }

    @Test
    void one_launcher_per_node_gives_torchrun_each_node_rank_and_the_head_node() throws IOException {
        Path bin = fakeLaunchers();
        Files.writeString(work.resolve("launcher.sh"), """
                #!/bin/bash
                #SBATCH --nodes=2
                #SBATCH --ntasks-per-node=1
                #SBATCH --gpus-per-node=8
                #SBATCH -o launcher-%%j.out
                export PATH=%s:$PATH
                head_node=$(scontrol show hostnames $SLURM_JOB_NODELIST | head -n 1)
                export MASTER_ADDR=$head_node
                # srun runs no shell: the escaped variable is expanded by each task's own bash.
                srun bash -c "torchrun --nnodes $SLURM_NNODES --nproc_per_node 8 --node_rank \\$SLURM_PROCID \\
                    --rdzv_endpoint $head_node:29500 train.py"
                """.formatted(bin));
        long id = jobId(cluster.rota(work, "submit", "launcher.sh"));
        Job done = awaitEnd(id);
        String output = Files.readString(work.resolve("launcher-" + id + ".out"));
        assertThat(done.getState()).as(output).isEqualTo(JobState.JOB_STATE_COMPLETED);
        assertThat(lines(output, "torchrun ").stream().sorted().toList()).as(output).containsExactly(
                "torchrun args=--nnodes 2 --nproc_per_node 8 --node_rank 0 --rdzv_endpoint node-1:29500 train.py "
                        + "procid=0 localid=0 nodeid=0 ntasks=2 nnodes=2 node=node-1",
                "torchrun args=--nnodes 2 --nproc_per_node 8 --node_rank 1 --rdzv_endpoint node-1:29500 train.py "
                        + "procid=1 localid=0 nodeid=1 ntasks=2 nnodes=2 node=node-2");
    }

    @Test
    void one_task_per_gpu_gives_every_rank_its_place_and_world_size() throws IOException {
        Path bin = fakeLaunchers();
        Files.writeString(work.resolve("pergpu.sh"), """
                #!/bin/bash
                #SBATCH -N 2
                #SBATCH --ntasks-per-node=4
                #SBATCH --gres=gpu:4
                #SBATCH -o pergpu-%%j.out
                export PATH=%s:$PATH
                export MASTER_ADDR=$(scontrol show hostnames $SLURM_JOB_NODELIST | head -n 1)
                srun python train.py --master_addr $MASTER_ADDR
                """.formatted(bin));
        long id = jobId(cluster.rota(work, "submit", "pergpu.sh"));
        Job done = awaitEnd(id);
        String output = Files.readString(work.resolve("pergpu-" + id + ".out"));
        assertThat(done.getState()).as(output).isEqualTo(JobState.JOB_STATE_COMPLETED);
        List<String> ranks = lines(output, "python ").stream().sorted().toList();
        assertThat(ranks).as(output).hasSize(8);
        for (int p = 0; p < 8; p++) {
            int node = p / 4;
            assertThat(ranks).contains("python args=train.py --master_addr node-1 procid=" + p + " localid=" + (p % 4)
                    + " nodeid=" + node + " ntasks=8 nnodes=2 node=node-" + (node + 1));
        }
    }

    @Test
    void an_array_with_a_throttle_runs_one_task_at_a_time_and_a_singleton_chain_in_order() throws Exception {
        Path log = work.resolve("order.log");
        Files.writeString(work.resolve("task.sh"), """
                #!/bin/bash
                #SBATCH --array=0-3%%1
                #SBATCH -o array-%%A_%%a.out
                echo "start $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT ($SLURM_ARRAY_TASK_MIN-$SLURM_ARRAY_TASK_MAX) array $SLURM_ARRAY_JOB_ID" >> %s
                sleep 0.3
                echo "end $SLURM_ARRAY_TASK_ID" >> %s
                """.formatted(log, log));
        long array = jobId(cluster.rota(work, "submit", "task.sh"));
        Path chainLog = work.resolve("chain.log");
        Files.writeString(work.resolve("chain.sh"), """
                #!/bin/bash
                #SBATCH -J chain -d singleton
                echo "start $SLURM_JOB_ID" >> %s
                sleep 0.3
                echo "end $SLURM_JOB_ID" >> %s
                """.formatted(chainLog, chainLog));
        List<Long> chain = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            chain.add(jobId(cluster.rota(work, "submit", "chain.sh")));
        }
        for (long id : chain) {
            assertThat(awaitEnd(id).getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
        }
        long deadline = System.nanoTime() + SOON.toNanos();
        while ((!Files.exists(log) || Files.readAllLines(log).size() < 8) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(cluster.job(array).getSpec().getName()).isEqualTo("task.sh");
        List<String> expected = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            expected.add("start " + t + " of 4 (0-3) array " + array);
            expected.add("end " + t);
        }
        assertThat(Files.readAllLines(log)).isEqualTo(expected);
        assertThat(work.resolve("array-" + array + "_2.out")).exists();
        List<String> chained = new java.util.ArrayList<>();
        for (long id : chain) {
            chained.add("start " + id);
            chained.add("end " + id);
        }
        assertThat(Files.readAllLines(chainLog)).isEqualTo(chained);
    }

    private static List<String> lines(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).toList();
    }
}
