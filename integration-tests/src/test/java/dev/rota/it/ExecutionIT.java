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
}
