package dev.rota.agent.exec;

import static dev.rota.agent.Eventually.gone;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.rota.agent.Eventually;
import dev.rota.agent.Launches;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.KillJob;
import dev.rota.agent.v1.LaunchJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSupervisorTest {

    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(8);

    @TempDir
    Path dir;
    @TempDir
    Path spool;

    private JobSupervisor supervisor;
    private final BlockingQueue<AllocationEnded> reports = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        supervisor = new JobSupervisor("node-1", spool);
        supervisor.addListener(reports::add);
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    private LaunchJob.Builder job(long id, String script) {
        return Launches.job(id, 1, dir, script, Launches.node("node-1", "127.0.0.1:1", 0, 1));
    }

    private AllocationEnded nextReport() throws InterruptedException {
        AllocationEnded r = reports.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r).as("an AllocationEnded report within " + WAIT).isNotNull();
        return r;
    }

    private static KillJob kill(long id, String signal, long graceSeconds) {
        return KillJob.newBuilder().setAllocation(AllocationRef.newBuilder().setJobId(id).setAttempt(1))
                .setSignal(signal).setGrace(Duration.newBuilder().setSeconds(graceSeconds)).build();
    }

    @Test
    void exitCodeIsReportedAndOutputLandsInTheOutputFile() throws Exception {
        supervisor.launch(job(101, "echo \"hello from $SLURM_JOB_ID on $SLURMD_NODENAME\"\necho oops >&2\nexit 3\n")
                .build());

        AllocationEnded report = nextReport();

        assertThat(report.getAllocation().getJobId()).isEqualTo(101);
        assertThat(report.getExitCode()).isEqualTo(3);
        assertThat(report.getLaunchError()).isEmpty();
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("hello from 101 on node-1\noops\n");
        assertThat(supervisor.running()).isEmpty();
        assertThat(supervisor.ended()).containsExactly(report);
        assertThat(supervisor.stepsAllowed(101)).isFalse();
    }

    @Test
    void theReleaseForgetsAnEndedAllocationAndItsSpoolDirectory() throws Exception {
        supervisor.launch(job(102, "exit 0\n").build());
        assertThat(nextReport().getExitCode()).isZero();
        Path jobSpool = spool.resolve("job-102.1");
        assertThat(jobSpool.resolve("script.sh")).exists();
        assertThat(jobSpool.resolve("bin/srun")).isExecutable();

        supervisor.kill(kill(102, "KILL", 0)).get(5, TimeUnit.SECONDS);

        assertThat(supervisor.ended()).isEmpty();
        assertThat(supervisor.running()).isEmpty();
        assertThat(jobSpool).doesNotExist();
    }

    @Test
    void stderrGoesToTheErrorFileWhenOneIsGiven() throws Exception {
        supervisor.launch(job(103, "echo out; echo err >&2\n").setErrorPath("err.txt").build());

        assertThat(nextReport().getExitCode()).isZero();
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("out\n");
        assertThat(Files.readString(dir.resolve("err.txt"))).isEqualTo("err\n");
    }

    @Test
    void theScriptSeesItsArgumentsWorkingDirectoryAndEnvironment() throws Exception {
        supervisor.launch(job(104, "echo \"$1 $2|$(pwd)|$FROM_SUBMITTER|$RANK|$CUDA_VISIBLE_DEVICES|$(command -v srun)\"\n")
                .addScriptArgs("a b").addScriptArgs("c")
                .putEnvironment("FROM_SUBMITTER", "yes")
                .putEnvironment("RANK", "77")
                .build());

        assertThat(nextReport().getExitCode()).isZero();
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo(
                "a b c|" + dir.toRealPath() + "|yes|0|0,1|" + spool.resolve("job-104.1/bin/srun") + "\n");
    }

    @Test
    void killingWithTermLeavesNoProcessBehind() throws Exception {
        Path pids = dir.resolve("pids");
        String script = """
                echo $$ >> pids
                sleep 1000 &
                echo $! >> pids
                bash -c 'echo $$ >> pids; sleep 1000 & echo $! >> pids; wait' &
                # An escapee: a new session whose parent exits at once, so it re-parents to init.
                ( setsid bash -c 'echo $$ >> pids; sleep 1000 & echo $! >> pids; wait' & )
                wait
                """;
        supervisor.launch(job(105, script).build());
        Eventually.until(WAIT, "six pids written", () -> lines(pids).size() == 6);
        List<Long> all = lines(pids).stream().map(Long::parseLong).toList();
        assertThat(all).allSatisfy(pid -> assertThat(gone(pid)).as("pid %d alive before the kill", pid).isFalse());

        supervisor.kill(kill(105, "TERM", 5)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(all).allSatisfy(pid -> assertThat(gone(pid)).as("pid %d gone after the kill", pid).isTrue());
        AllocationEnded report = nextReport();
        assertThat(report.getExitCode()).isEqualTo(128 + 15);
        // The batch host keeps the report until the daemon's release.
        assertThat(supervisor.ended()).containsExactly(report);
        supervisor.kill(kill(105, "KILL", 0)).get(5, TimeUnit.SECONDS);
        assertThat(supervisor.ended()).isEmpty();
    }

    @Test
    void aProcessIgnoringTermIsKilledAfterTheGrace() throws Exception {
        Path pids = dir.resolve("pids");
        supervisor.launch(job(106, "trap '' TERM\nsleep 1000 &\necho $! >> pids\necho $$ >> pids\nwhile :; do wait; done\n")
                .build());
        Eventually.until(WAIT, "two pids written", () -> lines(pids).size() == 2);
        List<Long> all = lines(pids).stream().map(Long::parseLong).toList();

        long start = System.nanoTime();
        supervisor.kill(kill(106, "TERM", 1)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(all).allSatisfy(pid -> assertThat(gone(pid)).as("pid %d", pid).isTrue());
        assertThat(nextReport().getExitCode()).isEqualTo(128 + 9);
    }

    @Test
    void aMissingWorkingDirectoryIsALaunchError() throws Exception {
        Path missing = dir.resolve("no/such/dir");
        supervisor.launch(job(107, "echo never > ran.txt\n").setWorkingDir(missing.toString()).build());

        AllocationEnded report = nextReport();

        assertThat(report.getLaunchError()).contains(missing.toString()).contains("does not exist");
        assertThat(supervisor.ended()).containsExactly(report);
        assertThat(supervisor.running()).isEmpty();
    }

    @Test
    void anOutputFileThatCannotBeOpenedIsALaunchError() throws Exception {
        Path out = dir.resolve("missing-dir/out.txt");
        supervisor.launch(job(108, "echo never\n").setOutputPath(out.toString()).build());

        AllocationEnded report = nextReport();

        assertThat(report.getLaunchError()).contains(out.toString()).contains(dir.resolve("missing-dir").toString());
    }

    @Test
    void aDuplicateLaunchIsIgnored() throws Exception {
        Path go = dir.resolve("go");
        LaunchJob launch = job(109, "echo started >> count\nwhile [ ! -e go ]; do sleep 0.05; done\n").build();
        Path script = spool.resolve("job-109.1/script.sh");

        supervisor.launch(launch);
        supervisor.launch(launch);

        assertThat(batchProcessesOf(script)).isEqualTo(1);
        Files.createFile(go);
        assertThat(nextReport().getExitCode()).isZero();
        supervisor.launch(launch);
        assertThat(batchProcessesOf(script)).isZero();
        supervisor.kill(kill(109, "KILL", 0)).get(5, TimeUnit.SECONDS);
        supervisor.launch(launch);
        assertThat(batchProcessesOf(script)).isZero();
        assertThat(lines(dir.resolve("count"))).containsExactly("started");
        assertThat(reports).isEmpty();
    }

    @Test
    void otherNodesOnlyRecordTheAllocationAndAcceptSteps() throws Exception {
        LaunchJob launch = Launches.job(110, 1, dir, "echo never > ran.txt\n",
                Launches.node("node-0", "127.0.0.1:1"), Launches.node("node-1", "127.0.0.1:2"))
                .setBatchHost(false).build();

        supervisor.launch(launch);

        assertThat(supervisor.running()).containsExactly(launch.getAllocation());
        assertThat(supervisor.stepGrant(110)).hasValueSatisfying(g -> assertThat(g.nodeIndex()).isEqualTo(1));
        assertThat(dir.resolve("ran.txt")).doesNotExist();

        supervisor.kill(kill(110, "TERM", 1)).get(5, TimeUnit.SECONDS);

        assertThat(supervisor.running()).isEmpty();
        assertThat(supervisor.stepsAllowed(110)).isFalse();
    }

    @Test
    void aTaskOnAnotherNodeFindsThisNodesSrunAndScontrolFirstOnItsPath() throws Exception {
        LaunchJob launch = Launches.job(112, 1, dir, "true\n",
                Launches.node("node-0", "127.0.0.1:1"), Launches.node("node-1", "127.0.0.1:2"))
                .setBatchHost(false).build();
        supervisor.launch(launch);
        StepGrant grant = supervisor.stepGrant(112).orElseThrow();
        // srun passes the batch host's PATH, whose wrapper directory does not exist on this node.
        RunningTask task = supervisor.startTask(grant, List.of("bash", "-c",
                        "command -v srun > where.txt; command -v scontrol >> where.txt"),
                java.util.Map.of("PATH", "/nonexistent/job-112.1/bin:" + System.getenv("PATH")), dir).orElseThrow();
        assertThat(task.process().waitFor(10, TimeUnit.SECONDS)).isTrue();

        List<String> where = lines(dir.resolve("where.txt"));
        assertThat(where).hasSize(2).allSatisfy(p -> assertThat(java.nio.file.Path.of(p)).exists());
        assertThat(where.get(0)).endsWith("/bin/srun").doesNotStartWith("/nonexistent");
        supervisor.kill(kill(112, "KILL", 0)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void killingAnUnknownAllocationDoesNothing() throws Exception {
        assertThat(supervisor.kill(kill(999, "TERM", 1))).succeedsWithin(java.time.Duration.ofSeconds(1));
        assertThat(supervisor.running()).isEmpty();
    }

    @Test
    void killingAnAllocationKillsItsTasks() throws Exception {
        LaunchJob launch = job(111, "exec sleep 1000\n").build();
        supervisor.launch(launch);
        StepGrant grant = supervisor.stepGrant(111).orElseThrow();
        RunningTask task = supervisor.startTask(grant, List.of("bash", "-c", "sleep 1000 & wait"),
                java.util.Map.of("PATH", System.getenv("PATH")), dir).orElseThrow();
        Eventually.until(WAIT, "the task's child started", () -> task.process().descendants().findAny().isPresent());
        long child = task.process().descendants().findFirst().orElseThrow().pid();

        supervisor.kill(kill(111, "TERM", 5)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(task.process().waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(task.process().exitValue()).isEqualTo(128 + 15);
        assertThat(gone(child)).isTrue();
        assertThat(supervisor.stepsAllowed(111)).isFalse();
    }

    // ---- the journal: what an agent restart must not forget ----

    @Test
    void anExitIsRememberedAcrossAnAgentRestartUntilTheDaemonReleasesIt() throws Exception {
        supervisor.launch(job(121, "exit 3\n").build());
        AllocationEnded report = nextReport();
        supervisor.close();

        supervisor = new JobSupervisor("node-1", spool);
        supervisor.addListener(reports::add);
        assertThat(supervisor.ended()).containsExactly(report);
        assertThat(supervisor.running()).isEmpty();
        supervisor.launch(job(121, "exit 0\n").build()); // a late duplicate launch of the same attempt
        assertThat(reports.poll(300, TimeUnit.MILLISECONDS)).as("the duplicate launch runs nothing").isNull();

        supervisor.kill(kill(121, "TERM", 0)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(supervisor.ended()).isEmpty();
        supervisor.close();

        supervisor = new JobSupervisor("node-1", spool);
        assertThat(supervisor.ended()).as("released exits are forgotten").isEmpty();
        assertThat(supervisor.released()).contains(report.getAllocation());
    }

    @Test
    void jobsKilledByTheAgentsOwnShutdownAreNotRememberedAsEnded() throws Exception {
        supervisor.launch(job(122, "exec sleep 1000\n").build());
        Eventually.until(WAIT, "the job runs", () -> !supervisor.running().isEmpty());
        supervisor.close();

        supervisor = new JobSupervisor("node-1", spool);
        assertThat(supervisor.ended()).isEmpty();
        assertThat(supervisor.running()).isEmpty();
    }

    @Test
    void aCorruptJournalIsMovedAsideAndTheAgentStartsWithoutIt() throws Exception {
        supervisor.close();
        Files.write(spool.resolve(EndedJournal.FILE_NAME), new byte[] {(byte) 0xff, 0x01, 0x02});

        supervisor = new JobSupervisor("node-1", spool);

        assertThat(supervisor.ended()).isEmpty();
        assertThat(spool.resolve(EndedJournal.FILE_NAME + ".corrupt")).exists();
    }

    @Test
    void aJournalWrittenByANewerAgentIsRefusedWithItsVersion() throws Exception {
        supervisor.close();
        Files.write(spool.resolve(EndedJournal.FILE_NAME),
                dev.rota.agent.v1.AgentJournal.newBuilder().setVersion(EndedJournal.VERSION + 1).build().toByteArray());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JobSupervisor("node-1", spool))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("version " + (EndedJournal.VERSION + 1))
                .hasMessageContaining("newer rota-agent");
        supervisor = new JobSupervisor("node-1", dir.resolve("other-spool")); // for @AfterEach
    }

    private static long batchProcessesOf(Path script) {
        return ProcessHandle.current().children()
                .filter(h -> h.info().arguments().map(a -> List.of(a).contains(script.toString())).orElse(false))
                .count();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
