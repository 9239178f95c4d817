package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.NodeState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's promise, end to end: rotad and two rota-agents as separate JVMs started through
 * bin/, jobs submitted and controlled with bin/rota exactly as the README shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final Duration SOON = Duration.ofSeconds(60);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)");

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

    private long submit(String... args) {
        RotaProcesses.Result r = cluster.rota(work, prepend("submit", args));
        assertThat(r.exit()).as("rota submit: %s", r).isZero();
        Matcher m = SUBMITTED.matcher(r.out());
        assertThat(m.find()).as("submit output: %s", r).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    @Order(1)
    void a_two_node_job_gives_each_task_its_rank_and_the_same_master() throws IOException {
        long id = submit("--nodes", "2", "--gpus-per-node", "4", "--time", "10:00", "--job-name", "envcheck",
                "--wrap", "srun hostname; srun env | sort");
        Job done = cluster.awaitJob(id, "to end", SOON, j -> j.getState().getNumber() > JobState.JOB_STATE_RUNNING_VALUE);
        String output = Files.readString(work.resolve("rota-" + id + ".out"));
        assertThat(done.getState()).as("job ended; output:\n%s", output).isEqualTo(JobState.JOB_STATE_COMPLETED);
        assertThat(done.getExitCode()).isZero();
        assertThat(done.getNodelist()).isEqualTo("node-[1-2]");

        assertThat(lines(output, "RANK=")).containsExactlyInAnyOrder("RANK=0", "RANK=1");
        assertThat(lines(output, "NODE_RANK=")).containsExactlyInAnyOrder("NODE_RANK=0", "NODE_RANK=1");
        assertThat(lines(output, "SLURMD_NODENAME=")).containsExactlyInAnyOrder("SLURMD_NODENAME=node-1",
                "SLURMD_NODENAME=node-2");
        assertThat(lines(output, "MASTER_ADDR=")).hasSize(2).containsOnly("MASTER_ADDR=127.0.0.1");
        assertThat(lines(output, "MASTER_PORT=")).hasSize(2)
                .satisfies(l -> assertThat(l.stream().distinct().count()).as("one port for both").isEqualTo(1));
        assertThat(lines(output, "WORLD_SIZE=")).containsOnly("WORLD_SIZE=2");
        assertThat(lines(output, "CUDA_VISIBLE_DEVICES=")).containsOnly("CUDA_VISIBLE_DEVICES=0,1,2,3");
        assertThat(lines(output, "SLURM_JOB_NODELIST=")).containsOnly("SLURM_JOB_NODELIST=node-[1-2]");
        assertThat(lines(output, "SLURM_JOB_ID=")).containsOnly("SLURM_JOB_ID=" + id);
        assertThat(lines(output, "SLURM_JOB_NAME=")).containsOnly("SLURM_JOB_NAME=envcheck");

        RotaProcesses.Result show = cluster.rota(work, "show", Long.toString(id), "--json");
        assertThat(show.exit()).as("%s", show).isZero();
        assertThat(show.out()).contains("\"state\": \"COMPLETED\"").contains("\"exit_code\": 0");
    }

    private static List<String> lines(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    @Order(2)
    void a_failing_job_is_failed_with_its_exit_code() {
        long id = submit("--wrap", "echo about to fail; exit 7");
        Job job = cluster.awaitState(id, JobState.JOB_STATE_FAILED, SOON);
        assertThat(job.getExitCode()).isEqualTo(7);
    }

    @Test
    @Order(3)
    void cancel_kills_a_running_job_and_every_process_it_forked() throws IOException {
        Path pids = work.resolve("pids");
        long id = submit("--wrap", "sleep 300 & echo $! >> " + pids + "; (sleep 301 & echo $! >> " + pids
                + "; wait) & echo $$ >> " + pids + "; wait");
        cluster.awaitState(id, JobState.JOB_STATE_RUNNING, SOON);
        cluster.await("the job's processes to start", SOON,
                () -> Files.exists(pids) && read(pids).size() >= 3);
        List<Long> started = read(pids);
        assertThat(started).allMatch(RotaProcesses::alive);

        RotaProcesses.Result r = cluster.rota(work, "cancel", Long.toString(id));
        assertThat(r.exit()).as("%s", r).isZero();
        cluster.awaitState(id, JobState.JOB_STATE_CANCELLED, SOON);
        cluster.await("every forked process to be gone", Duration.ofSeconds(20),
                () -> started.stream().noneMatch(RotaProcesses::alive), () -> "still alive: " + started.stream()
                        .filter(RotaProcesses::alive).toList());
    }

    private static List<Long> read(Path pids) {
        try {
            return Files.readAllLines(pids).stream().filter(s -> !s.isBlank()).map(Long::parseLong).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    @Order(4)
    void a_job_over_its_time_limit_times_out() {
        long id = submit("--time", "0:03", "--wrap", "sleep 300");
        Job job = cluster.awaitState(id, JobState.JOB_STATE_TIMEOUT, SOON);
        assertThat(job.getReason()).isEqualTo("TimeLimit");
    }

    @Test
    @Order(5)
    void a_drained_node_gets_no_new_jobs_until_resumed() {
        RotaProcesses.Result drain = cluster.rota(work, "drain", "node-2", "--reason", "maintenance");
        assertThat(drain.exit()).as("%s", drain).isZero();
        assertThat(cluster.node("node-2").orElseThrow().getState()).isEqualTo(NodeState.NODE_STATE_DRAINED);
        RotaProcesses.Result nodes = cluster.rota(work, "node", "show", "node-2");
        assertThat(nodes.out()).contains("node-2").contains("maintenance");

        long wide = submit("--nodes", "2", "--wrap", "true");
        long narrow = submit("--gpus-per-node", "1", "--wrap", "true");
        Job pending = cluster.awaitJob(wide, "to wait for node-2", SOON, j -> !j.getReason().isEmpty());
        assertThat(pending.getState()).isEqualTo(JobState.JOB_STATE_PENDING);
        assertThat(pending.getReason()).isEqualTo("ReqNodeNotAvail");
        RotaProcesses.Result queue = cluster.rota(work, "queue");
        assertThat(queue.out()).contains(Long.toString(wide)).contains("(ReqNodeNotAvail)");

        RotaProcesses.Result resume = cluster.rota(work, "resume", "node-2");
        assertThat(resume.exit()).as("%s", resume).isZero();
        assertThat(cluster.awaitState(wide, JobState.JOB_STATE_COMPLETED, SOON).getNodelist()).isEqualTo("node-[1-2]");
        assertThat(cluster.awaitState(narrow, JobState.JOB_STATE_COMPLETED, SOON).getNodelist()).isNotEmpty();
    }

    @Test
    @Order(6)
    void after_a_daemon_restart_every_job_is_listed_with_its_final_state() {
        RotaProcesses.Result before = cluster.rota(work, "queue", "--all", "--json");
        assertThat(before.exit()).as("%s", before).isZero();
        cluster.stopDaemon();
        cluster.startDaemon();
        RotaProcesses.Result after = cluster.rota(work, "queue", "--all", "--json");
        assertThat(after.exit()).as("%s", after).isZero();
        assertThat(after.out()).isEqualTo(before.out());
        assertThat(after.out()).contains("\"COMPLETED\"").contains("\"FAILED\"").contains("\"CANCELLED\"")
                .contains("\"TIMEOUT\"");
        // The agents reconnect by themselves and the cluster keeps working.
        cluster.await("agents to reconnect", SOON, () -> cluster.node("node-1").orElseThrow().getState()
                != NodeState.NODE_STATE_DOWN && cluster.node("node-2").orElseThrow().getState()
                != NodeState.NODE_STATE_DOWN);
        long id = submit("--nodes", "2", "--wrap", "srun true");
        cluster.awaitState(id, JobState.JOB_STATE_COMPLETED, SOON);
    }

    @Test
    @Order(7)
    void the_cli_reports_an_unreachable_daemon_and_usage_errors_with_distinct_exit_codes() {
        RotaProcesses.Result unreachable = cluster.rota(work, "--address", "127.0.0.1:1", "queue");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("127.0.0.1:1");
        RotaProcesses.Result usage = cluster.rota(work, "drain", "node-1");
        assertThat(usage.exit()).isEqualTo(2);
        RotaProcesses.Result infeasible = cluster.rota(work, "submit", "--gpus-per-node", "16", "--wrap", "true");
        assertThat(infeasible.exit()).isEqualTo(1);
        assertThat(infeasible.err()).contains("16 GPUs per node");
    }
}
