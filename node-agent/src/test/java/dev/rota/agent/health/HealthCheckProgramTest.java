package dev.rota.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthCheckProgramTest {

    @TempDir
    Path tmp;

    private HealthCheckProgram program(String body, Duration timeout) throws IOException {
        Path p = tmp.resolve("check.sh");
        Files.writeString(p, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new HealthCheckProgram(p, Duration.ofSeconds(60), timeout);
    }

    @Test
    void exitZeroPasses() throws IOException {
        HealthCheckProgram.Result r = program("echo all good\n", Duration.ofSeconds(10)).run("node-1");

        assertThat(r).isEqualTo(new HealthCheckProgram.Result.Passed());
        assertThat(r.fault()).isEmpty();
    }

    @Test
    void aFailureDrainsWithTheFirstOutputLine() throws IOException {
        HealthCheckProgram.Result r = program("echo\necho '  IB port mlx5_0/1 is DOWN  ' >&2\necho second line\nexit 3\n",
                Duration.ofSeconds(10)).run("node-1");

        assertThat(r).isEqualTo(new HealthCheckProgram.Result.Failed(3, "IB port mlx5_0/1 is DOWN"));
        assertThat(r.fault()).contains("IB port mlx5_0/1 is DOWN");
    }

    @Test
    void theProgramLearnsItsNodeName() throws IOException {
        HealthCheckProgram.Result r = program("echo \"checked $ROTA_NODE_NAME\"; exit 1\n", Duration.ofSeconds(10))
                .run("gpu017");

        assertThat(r.fault()).contains("checked gpu017");
    }

    @Test
    void aLongFirstLineIsClipped() throws IOException {
        HealthCheckProgram.Result r = program("printf 'x%.0s' {1..500}; exit 1\n", Duration.ofSeconds(10)).run("n");

        assertThat(r.fault().orElseThrow()).hasSize(HealthCheckProgram.MAX_REASON).endsWith("...");
    }

    @Test
    void aHungProgramIsKilledWithItsChildrenAndDrains() throws IOException {
        Path pidFile = tmp.resolve("child.pid");
        HealthCheckProgram check = program("sleep 300 &\necho $! > '" + pidFile + "'\nwait\n", Duration.ofMillis(500));

        long start = System.nanoTime();
        HealthCheckProgram.Result r = check.run("node-1");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(r).isEqualTo(new HealthCheckProgram.Result.TimedOut(Duration.ofMillis(500)));
        assertThat(r.fault()).contains("health check timed out after 0.5 s");
        long child = Long.parseLong(Files.readString(pidFile).strip());
        Eventually.until(Duration.ofSeconds(5), "the check's child is killed", () -> Eventually.gone(child));
    }

    @Test
    void aProgramThatCannotRunDrainsSayingWhy() throws IOException {
        HealthCheckProgram check = program("exit 0\n", Duration.ofSeconds(5));
        Files.setPosixFilePermissions(check.program(), PosixFilePermissions.fromString("rw-r--r--"));

        HealthCheckProgram.Result r = check.run("node-1");

        assertThat(r).isInstanceOf(HealthCheckProgram.Result.CannotRun.class);
        assertThat(r.fault()).hasValueSatisfying(f -> assertThat(f).startsWith("health check program cannot run: "));
    }

    @Test
    void silentFailuresSayTheExitStatus() throws IOException {
        assertThat(program("exit 4\n", Duration.ofSeconds(5)).run("n").fault())
                .isEqualTo(Optional.of("health check program exited with 4"));
    }
}
