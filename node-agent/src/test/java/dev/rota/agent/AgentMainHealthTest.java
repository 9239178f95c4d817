package dev.rota.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.health.HealthCheckProgram;
import dev.rota.agent.health.HealthPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentMainHealthTest {

    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    private static AgentConfig config(String... args) {
        CommandLine cl = AgentMain.commandLine(Map.of());
        cl.parseArgs(args);
        return ((AgentMain) cl.getCommand()).config();
    }

    private int run(String... args) {
        CommandLine cl = AgentMain.commandLine(Map.of());
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Test
    void defaultsPollEveryTenSecondsWithTheDefaultPolicyAndNoCheck() {
        AgentConfig c = config("--name", "n1", "--fake-gpus", "1");

        assertThat(c.health().interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.health().policy()).isEqualTo(HealthPolicy.defaults());
        assertThat(c.health().check()).isEmpty();
    }

    @Test
    void healthOptionsBecomeTheSettings() throws IOException {
        Path program = tmp.resolve("nhc");
        Files.writeString(program, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));

        AgentConfig c = config("--name", "n1", "--fake-gpus", "1", "--health-interval", "1",
                "--fatal-xids", "79,48,13", "--gpu-temperature-warning", "80.5",
                "--health-check-program", program.toString(), "--health-check-interval", "30",
                "--health-check-timeout", "2.5");

        assertThat(c.health().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.health().policy().fatalXids()).isEqualTo(Set.of(79, 48, 13));
        assertThat(c.health().policy().maxTemperatureC()).isEqualTo(80.5);
        assertThat(c.health().check()).contains(
                new HealthCheckProgram(program, Duration.ofSeconds(30), Duration.ofMillis(2500)));
    }

    @Test
    void aHealthCheckProgramThatIsNotExecutableIsAUsageError() {
        assertThat(run("--name", "n1", "--fake-gpus", "1", "--health-check-program", tmp.resolve("none").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--health-check-program").contains("is not an executable file");
    }

    @Test
    void badIntervalsAreUsageErrors() {
        assertThat(run("--name", "n1", "--fake-gpus", "1", "--health-interval", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--health-interval must be between 0 and 86400 seconds");
    }
}
