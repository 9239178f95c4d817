package dev.rota.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.gpu.FakeGpuInventory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentMainTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = AgentMain.commandLine(Map.of());
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    private static AgentConfig config(Map<String, String> env, String... args) {
        CommandLine cl = AgentMain.commandLine(env);
        cl.parseArgs(args);
        return ((AgentMain) cl.getCommand()).config();
    }

    @Test
    void optionsBecomeTheAgentConfig() {
        AgentConfig c = config(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), "--name", "gpu-7", "--daemon", "rotad:7171",
                "--listen", "0.0.0.0:6001", "--fake-gpus", "3", "--gpu-model", "Fake-B200", "--heartbeat", "2.5");

        assertThat(c.nodeName()).isEqualTo("gpu-7");
        assertThat(c.daemonTarget()).isEqualTo("rotad:7171");
        assertThat(c.listenHost()).isEqualTo("0.0.0.0");
        assertThat(c.listenPort()).isEqualTo(6001);
        assertThat(c.gpus()).isEqualTo(new FakeGpuInventory("gpu-7", 3, "Fake-B200"));
        assertThat(c.heartbeat()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.spoolDir()).isEqualTo(Path.of("/run/user/1000/rota-agent-gpu-7"));
        assertThat(c.killJobsOnClose()).isTrue();
    }

    @Test
    void defaultsListenOnLoopbackWithAnEphemeralPortAndSpoolUnderTmp() {
        AgentConfig c = config(Map.of(), "--name", "n1", "--fake-gpus", "0");

        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isZero();
        assertThat(c.spoolDir()).isEqualTo(Path.of("/tmp/rota-agent-n1"));
        assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("--daemon", "no-port-here")).isEqualTo(2);
        assertThat(err.toString()).contains("expected HOST:PORT");
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(run("--name", "n1", "--fake-gpus", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--fake-gpus must be >= 0");
        assertThat(run("--name", "n1", "--fake-gpus", "1", "--heartbeat", "0")).isEqualTo(2);
    }
}
