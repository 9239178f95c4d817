package dev.rota.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.rota.agent.Launches;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.KillJob;
import dev.rota.agent.v1.LaunchJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admin prolog and epilog as real bash scripts around real jobs. */
class PrologEpilogTest {

    @TempDir
    Path dir;
    @TempDir
    Path spool;

    private JobSupervisor supervisor;
    private final BlockingQueue<AllocationEnded> reports = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> drains = new LinkedBlockingQueue<>();

    private void start(Optional<AdminScript> prolog, Optional<AdminScript> epilog) {
        supervisor = new JobSupervisor("node-1", spool, new ExecutionSettings(prolog, epilog));
        supervisor.addListener(reports::add);
        supervisor.addDrainListener(drains::add);
    }

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.close();
        }
    }

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static AdminScript admin(String kind, Path program, long timeoutMillis) {
        return new AdminScript(kind, program, java.time.Duration.ofMillis(timeoutMillis));
    }

    private LaunchJob job(long id, String body) {
        return Launches.job(id, 1, dir, body, Launches.node("node-1", "127.0.0.1:1", 2, 3)).build();
    }

    private AllocationEnded nextReport() throws InterruptedException {
        AllocationEnded r = reports.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("an AllocationEnded report").isNotNull();
        return r;
    }

    private static KillJob release(long id) {
        return KillJob.newBuilder().setAllocation(AllocationRef.newBuilder().setJobId(id).setAttempt(1))
                .setSignal("KILL").setGrace(Duration.getDefaultInstance()).build();
    }

    @Test
    void aPassingPrologRunsFirstWithTheJobsVariablesThenTheJobRuns() throws Exception {
        Path log = dir.resolve("log");
        start(Optional.of(admin("prolog", script("prolog", """
                echo "prolog $SLURM_JOB_ID $SLURM_JOB_USER $SLURM_JOB_NODELIST $SLURMD_NODENAME $SLURM_JOB_GPUS $SLURM_SCRIPT_CONTEXT" >> %s
                """.formatted(log)), 5000)), Optional.empty());

        supervisor.launch(job(1, "echo job >> " + log + "\n"));

        assertThat(nextReport().getExitCode()).isZero();
        assertThat(Files.readAllLines(log)).containsExactly("prolog 1 alice node-1 node-1 2,3 prolog_slurmd", "job");
    }

    @Test
    void aFailingPrologIsANodeFaultWithItsExitAndFirstLineAndTheJobNeverRuns() throws Exception {
        Path prolog = script("prolog", "echo\necho 'scratch is full' >&2\necho more\nexit 3\n");
        start(Optional.of(admin("prolog", prolog, 5000)), Optional.empty());

        supervisor.launch(job(2, "touch ran\n"));

        AllocationEnded r = nextReport();
        assertThat(r.getNodeFault()).isEqualTo("prolog " + prolog + " exited 3: scratch is full");
        assertThat(r.getLaunchError()).isEqualTo(r.getNodeFault());
        assertThat(dir.resolve("ran")).doesNotExist();
        assertThat(supervisor.ended()).containsExactly(r);
        assertThat(supervisor.running()).isEmpty();
    }

    @Test
    void aPrologThatRunsTooLongIsKilledAndIsANodeFault() throws Exception {
        Path prolog = script("prolog", "echo starting\nsleep 30\n");
        start(Optional.of(admin("prolog", prolog, 300)), Optional.empty());

        supervisor.launch(job(3, "touch ran\n"));

        assertThat(nextReport().getNodeFault()).isEqualTo("prolog " + prolog + " timed out after 0.3 s: starting");
        assertThat(dir.resolve("ran")).doesNotExist();
    }

    @Test
    void aPrologFailureOnANodeThatIsNotTheBatchHostIsReportedToo() throws Exception {
        Path prolog = script("prolog", "exit 1\n");
        start(Optional.of(admin("prolog", prolog, 5000)), Optional.empty());

        supervisor.launch(Launches.job(4, 1, dir, "true\n", Launches.node("node-0", "127.0.0.1:1", 0),
                Launches.node("node-1", "127.0.0.1:2", 0)).setBatchHost(false).build());

        AllocationEnded r = nextReport();
        assertThat(r.getAllocation().getJobId()).isEqualTo(4);
        assertThat(r.getNodeFault()).isEqualTo("prolog " + prolog + " exited 1");
        assertThat(supervisor.stepsAllowed(4)).isFalse();
    }

    @Test
    void theEpilogRunsOnReleaseWithTheExitCodeAndAFailureAsksForADrain() throws Exception {
        Path log = dir.resolve("log");
        Path epilog = script("epilog", """
                echo "epilog $SLURM_JOB_ID $SLURM_JOB_EXIT_CODE $SLURM_SCRIPT_CONTEXT" >> %s
                echo 'GPU memory not freed'
                exit 4
                """.formatted(log));
        start(Optional.empty(), Optional.of(admin("epilog", epilog, 5000)));
        supervisor.launch(job(5, "exit 7\n"));
        assertThat(nextReport().getExitCode()).isEqualTo(7);
        assertThat(log).doesNotExist();

        supervisor.kill(release(5)).get(5, TimeUnit.SECONDS);

        assertThat(drains.poll(10, TimeUnit.SECONDS)).isEqualTo("epilog " + epilog + " exited 4: GPU memory not freed");
        assertThat(Files.readAllLines(log)).containsExactly("epilog 5 7 epilog_slurmd");
    }

    @Test
    void aPassingEpilogAsksForNothing() throws Exception {
        Path log = dir.resolve("log");
        start(Optional.empty(), Optional.of(admin("epilog", script("epilog", "echo done >> " + log + "\n"), 5000)));
        supervisor.launch(job(6, "exit 0\n"));
        nextReport();

        supervisor.kill(release(6)).get(5, TimeUnit.SECONDS);

        dev.rota.agent.Eventually.until(java.time.Duration.ofSeconds(10), "the epilog to run", () -> Files.exists(log));
        assertThat(drains.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }
}
