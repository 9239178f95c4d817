package dev.rota.agent.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.Launches;
import dev.rota.agent.v1.AllocatedNode;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.LaunchJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated bin/srun wrapper, run by a real batch script, reaches the StepServer. */
class SrunWrapperTest {

    @TempDir
    Path dir;
    @TempDir
    Path spool;

    @Test
    void aBatchScriptRunsSrunHostname() throws Exception {
        BlockingQueue<AllocationEnded> reports = new LinkedBlockingQueue<>();
        try (StepCluster cluster = new StepCluster(spool, 1)) {
            cluster.supervisors.getFirst().addListener(reports::add);
            LaunchJob job = Launches.job(31, 1, dir, "srun hostname\necho \"srun exited $?\"\n",
                    cluster.nodes.toArray(new AllocatedNode[0])).build();

            cluster.launch(job);

            AllocationEnded report = reports.poll(9, TimeUnit.SECONDS);
            String output = Files.readString(dir.resolve("out.txt"));
            assertThat(report).as(output).isNotNull();
            assertThat(report.getExitCode()).as(output).isZero();
            assertThat(output).isEqualTo(hostname() + "\nsrun exited 0\n");
        }
    }

    private static String hostname() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("hostname").redirectErrorStream(true).start();
        String name = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        return name;
    }
}
