package dev.rota.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.Eventually;
import dev.rota.agent.Launches;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.KillJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch scripts run under rota-stepd and outlive their supervisor: a second supervisor on the same
 * spool (the restarted agent) takes them over, with real processes.
 */
class ReadoptionTest {
    /** Waits for its go-file, then exits 5. */
    private static final String WAITS = "while [ ! -e go ]; do sleep 0.05; done\necho done\nexit 5\n";

    @TempDir
    Path dir;
    @TempDir
    Path spool;

    private JobSupervisor first;
    private JobSupervisor second;
    private final BlockingQueue<AllocationEnded> reports = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    /** Starts job 1 under the first supervisor, then stops that one without touching the job. */
    private long startThenLeave() throws Exception {
        first = new JobSupervisor("node-1", spool);
        first.launch(Launches.job(1, 1, dir, WAITS, Launches.node("node-1", "127.0.0.1:1", 0)).build());
        Path jobPid = spool.resolve("job-1.1").resolve(JobSupervisor.JOB_PID);
        Eventually.until(Duration.ofSeconds(10), "the job to start", () -> Files.exists(jobPid));
        first.closeLeavingJobs();
        return Long.parseLong(Files.readString(jobPid).strip());
    }

    private JobSupervisor restart() {
        second = new JobSupervisor("node-1", spool);
        second.addListener(reports::add);
        return second;
    }

    private AllocationEnded nextReport() throws InterruptedException {
        AllocationEnded r = reports.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("an AllocationEnded report").isNotNull();
        return r;
    }

    @Test
    void aJobStillRunningIsTakenOverAndItsExitReported() throws Exception {
        long shell = startThenLeave();
        assertThat(ProcessHandle.of(shell)).as("the job outlives its supervisor").hasValueSatisfying(
                h -> assertThat(h.isAlive()).isTrue());

        JobSupervisor agent = restart();
        assertThat(agent.running()).containsExactly(AllocationRef.newBuilder().setJobId(1).setAttempt(1).build());
        assertThat(agent.stepsAllowed(1)).isTrue();
        Files.createFile(dir.resolve("go"));

        AllocationEnded r = nextReport();
        assertThat(r.getExitCode()).isEqualTo(5);
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("done\n");
        assertThat(agent.ended()).containsExactly(r);
    }

    @Test
    void aJobThatEndedWhileNoAgentRanIsReportedAtOnce() throws Exception {
        startThenLeave();
        Files.createFile(dir.resolve("go"));
        Path status = spool.resolve("job-1.1").resolve(JobSupervisor.EXIT_STATUS);
        Eventually.until(Duration.ofSeconds(10), "rota-stepd to record the exit", () -> Files.exists(status));

        JobSupervisor agent = restart();

        assertThat(agent.running()).isEmpty();
        assertThat(agent.ended()).singleElement().satisfies(e -> {
            assertThat(e.getAllocation().getJobId()).isEqualTo(1);
            assertThat(e.getExitCode()).isEqualTo(5);
        });
        agent.kill(KillJob.newBuilder().setAllocation(AllocationRef.newBuilder().setJobId(1).setAttempt(1))
                .setSignal("KILL").build()).get(10, TimeUnit.SECONDS);
        assertThat(spool.resolve("job-1.1")).as("released: the files go").doesNotExist();
    }

    @Test
    void aJobWhoseStepdDiedWithoutARecordIsLostAndForgotten() throws Exception {
        long shell = startThenLeave();
        long stepd = Long.parseLong(Files.readString(spool.resolve("job-1.1").resolve(JobSupervisor.STEPD_PID)).strip());
        ProcessHandle.of(stepd).ifPresent(ProcessHandle::destroyForcibly);
        ProcessHandle.of(shell).ifPresent(ProcessHandle::destroyForcibly);
        Eventually.until(Duration.ofSeconds(10), "both to die", () -> Eventually.gone(stepd) && Eventually.gone(shell));

        JobSupervisor agent = restart();

        assertThat(agent.running()).isEmpty();
        assertThat(agent.ended()).isEmpty();
        assertThat(spool.resolve("job-1.1")).doesNotExist();
    }

    @Test
    void anAdoptedJobCanBeKilledAndItsSignalledExitIsReported() throws Exception {
        long shell = startThenLeave();
        JobSupervisor agent = restart();

        agent.kill(KillJob.newBuilder().setAllocation(AllocationRef.newBuilder().setJobId(1).setAttempt(1))
                .setSignal("TERM").build());

        assertThat(nextReport().getExitCode()).isEqualTo(128 + 15);
        Eventually.until(Duration.ofSeconds(10), "the job to be gone", () -> Eventually.gone(shell));
        assertThat(agent.running()).isEmpty();
        assertThat(List.of(agent.ended().getFirst().getExitCode())).containsExactly(143);
    }
}
