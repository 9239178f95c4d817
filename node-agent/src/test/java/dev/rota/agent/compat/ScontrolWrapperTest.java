package dev.rota.agent.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.Launches;
import dev.rota.agent.exec.JobSupervisor;
import dev.rota.agent.v1.AllocationEnded;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bin/scontrol wrapper the agent writes, run by a real batch script the way training scripts use it. */
class ScontrolWrapperTest {

    @TempDir
    Path dir;
    @TempDir
    Path spool;

    @Test
    void aBatchScriptFindsItsHeadNodeWithScontrol() throws Exception {
        BlockingQueue<AllocationEnded> reports = new LinkedBlockingQueue<>();
        try (JobSupervisor supervisor = new JobSupervisor("node-1", spool)) {
            supervisor.addListener(reports::add);
            supervisor.launch(Launches.job(41, 1, dir, """
                    head=$(scontrol show hostnames $SLURM_JOB_NODELIST | head -n 1)
                    echo "head=$head"
                    scontrol show hostnames 'gpu[001-002]'
                    scontrol show job 41
                    echo "show job exited $?"
                    """, Launches.node("node-1", "127.0.0.1:1"), Launches.node("node-2", "127.0.0.1:2"))
                    .setNodelist("node-[1-2]").build());

            AllocationEnded report = reports.poll(30, TimeUnit.SECONDS);
            String output = Files.readString(dir.resolve("out.txt"));
            assertThat(report).as(output).isNotNull();
            assertThat(report.getExitCode()).as(output).isZero();
            assertThat(output).isEqualTo("""
                    head=node-1
                    gpu001
                    gpu002
                    scontrol: error: 'show job 41' is not supported by Rota
                    %s
                    show job exited 1
                    """.formatted(Scontrol.USAGE));
        }
    }
}
