package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.NodeState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node of a running gang dies: the whole gang is requeued and finishes on healthy nodes. */
class NodeFailureIT {
    private static final Duration SOON = Duration.ofSeconds(60);

    @Test
    void a_job_that_loses_a_node_is_requeued_and_completes_elsewhere(@TempDir Path dir) throws IOException {
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon("--node-down-timeout", "3").startAgent("node-1", 8).startAgent("node-2", 8)
                    .startAgent("node-3", 8);
            Path work = Files.createDirectories(dir.resolve("work"));
            RotaProcesses.Result submitted = cluster.rota(work, "submit", "--nodes", "2", "--gpus-per-node", "8",
                    "--wrap", "echo attempt $SLURM_RESTART_COUNT on $SLURM_JOB_NODELIST; "
                            + "if [ \"$SLURM_RESTART_COUNT\" = 0 ]; then srun sleep 600; else srun hostname; fi");
            Matcher m = Pattern.compile("Submitted batch job (\\d+)").matcher(submitted.out());
            assertThat(m.find()).as("%s", submitted).isTrue();
            long id = Long.parseLong(m.group(1));

            Job first = cluster.awaitState(id, JobState.JOB_STATE_RUNNING, SOON);
            assertThat(first.getNodelist()).isEqualTo("node-[1-2]");
            Path out = work.resolve("rota-" + id + ".out");
            cluster.await("the first attempt to start", SOON,
                    () -> Files.exists(out) && read(out).contains("attempt 0"));

            cluster.killAgent("node-2");
            cluster.await("node-2 to be declared down", SOON,
                    () -> cluster.node("node-2").orElseThrow().getState() == NodeState.NODE_STATE_DOWN);

            Job done = cluster.awaitState(id, JobState.JOB_STATE_COMPLETED, SOON);
            assertThat(done.getAttempts()).isEqualTo(2);
            assertThat(done.getNodelist()).isEqualTo("node-[1,3]");
            assertThat(done.getExitCode()).isZero();
            assertThat(read(out)).contains("attempt 1 on node-[1,3]");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
