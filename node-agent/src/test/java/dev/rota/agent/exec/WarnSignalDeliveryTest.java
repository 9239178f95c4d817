package dev.rota.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.rota.agent.Launches;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.LaunchJob;
import dev.rota.agent.v1.WarnSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --signal}: real bash scripts trap the warning and write down who got it. */
class WarnSignalDeliveryTest {

    /** Shell and child both trap USR1; the shell waits for the child, which exits after its trap. */
    private static final String SHELL_AND_CHILD = """
            trap 'echo shell >> got' USR1
            bash -c 'trap "echo child >> got; exit 0" USR1; while true; do sleep 0.05; done' &
            child=$!
            wait $child
            sleep 0.5
            kill $child 2>/dev/null
            wait $child
            exit 0
            """;

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

    /** A job with a 3 s limit warned {@code before} seconds ahead: the warning comes 1 s after the start. */
    private LaunchJob job(long id, String script, String signal, boolean batchOnly) {
        return Launches.job(id, 1, dir, script, Launches.node("node-1", "127.0.0.1:1", 0))
                .setTimeLimit(Duration.newBuilder().setSeconds(3))
                .setWarnSignal(WarnSignal.newBuilder().setSignal(signal).setSecondsBefore(2).setBatchOnly(batchOnly))
                .build();
    }

    private AllocationEnded nextReport() throws InterruptedException {
        AllocationEnded r = reports.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("an AllocationEnded report").isNotNull();
        return r;
    }

    @Test
    void theBatchShellTrapsTheWarningBeforeTheLimit() throws Exception {
        // Without the warning the loop runs 20 s and exits 7; the report would not come in time.
        supervisor.launch(job(1, """
                trap 'echo warned > warned.txt; exit 0' USR1
                for i in $(seq 1 200); do sleep 0.1; done
                exit 7
                """, "SIGUSR1", true));

        assertThat(nextReport().getExitCode()).isZero();
        assertThat(dir.resolve("warned.txt")).hasContent("warned");
    }

    @Test
    void withoutBTheWarningReachesEveryProcessOfTheJob() throws Exception {
        supervisor.launch(job(2, SHELL_AND_CHILD, "USR1", false));

        assertThat(nextReport().getExitCode()).isZero();
        assertThat(Files.readAllLines(dir.resolve("got"))).containsExactlyInAnyOrder("shell", "child");
    }

    @Test
    void withBOnlyTheBatchShellGetsIt() throws Exception {
        supervisor.launch(job(3, SHELL_AND_CHILD, "USR1", true));

        assertThat(nextReport().getExitCode()).isZero();
        assertThat(Files.readAllLines(dir.resolve("got"))).containsExactly("shell");
    }

    @Test
    void aSignalNumberWorksToo() throws Exception {
        supervisor.launch(job(4, """
                trap 'echo warned > warned.txt; exit 0' USR2
                for i in $(seq 1 200); do sleep 0.1; done
                exit 7
                """, "12", true));

        assertThat(nextReport().getExitCode()).isZero();
        assertThat(dir.resolve("warned.txt")).hasContent("warned");
    }
}
