package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.JobState;
import dev.rota.api.v1.Node;
import dev.rota.api.v1.NodeState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU health end to end (docs/health.md): rotad and a rota-agent started through bin/, the agent
 * with the test suite's fake nvidia-smi and dmesg first on its PATH and a 1 s health interval; faults
 * are injected by rewriting the fakes' state files, and the drain is read back through NodeService
 * and {@code rota nodes}.
 */
class HealthIT {
    private static final Duration SOON = Duration.ofSeconds(60);
    private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);
    /** Two health intervals, plus the slack a loaded 2-core test machine needs to start bash and a JVM thread. */
    private static final Duration TWO_INTERVALS_AND_SLACK = Duration.ofSeconds(6);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)");
    private static final Path FAKES = RotaProcesses.ROOT.resolve("node-agent/src/test/resources/fake-nvidia-smi");
    private static final String HEADER = "index, uuid, name, memory.total, pci.bus_id, temperature.gpu, power.draw, "
            + "ecc.errors.uncorrected.volatile.total, retired_pages.pending, clocks_throttle_reasons.active";

    @TempDir
    Path dir;
    Path work;
    Path fakeBin;
    RotaProcesses cluster;

    @BeforeEach
    void start() throws IOException {
        work = Files.createDirectories(dir.resolve("work"));
        fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
        for (String tool : List.of("nvidia-smi", "dmesg")) {
            Path target = fakeBin.resolve(tool);
            Files.copy(FAKES.resolve(tool), target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        gpus(row(0, 40), row(1, 40), row(2, 40), row(3, 40));
        cluster = new RotaProcesses(dir).startDaemon();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    // ---- the fakes' state ----

    private static String row(int index, int temperatureC) {
        return index + ", GPU-it-" + index + ", NVIDIA H100 80GB HBM3, 81559, "
                + String.format(Locale.ROOT, "00000000:%02X:00.0", 0x18 + index) + ", " + temperatureC
                + ", 150.25, 0, [N/A], 0x0000000000000004";
    }

    private void gpus(String... rows) {
        write("gpus.csv", HEADER + "\n" + String.join("\n", rows) + "\n");
    }

    private void xid(int gpu, int xid, String message) {
        write("kernel.log", "[    0.000000] Linux version 6.8.0 (fake)\n[ 4242.000001] NVRM: Xid (PCI:"
                + String.format(Locale.ROOT, "0000:%02x:00", 0x18 + gpu) + "): " + xid + ", pid=777, name=python, "
                + message + "\n");
    }

    private void write(String name, String content) {
        try {
            Path tmp = Files.createTempFile(fakeBin, "." + name, ".tmp");
            Files.writeString(tmp, content);
            Files.move(tmp, fakeBin.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startAgentOnFakeGpus(String name) {
        cluster.startAgentWith(name, Map.of("PATH", fakeBin + ":" + System.getenv("PATH")),
                "--health-interval", Long.toString(HEALTH_INTERVAL.toSeconds()));
    }

    // ---- cluster helpers ----

    private long submit(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("submit"));
        all.addAll(List.of(args));
        RotaProcesses.Result r = cluster.rota(work, all.toArray(String[]::new));
        assertThat(r.exit()).as("rota submit: %s", r).isZero();
        Matcher m = SUBMITTED.matcher(r.out());
        assertThat(m.find()).as("submit output: %s", r).isTrue();
        return Long.parseLong(m.group(1));
    }

    private Node node(String name) {
        return cluster.node(name).orElseThrow();
    }

    /** Waits until {@code name} is drained for {@code reason}; returns how long that took. */
    private Duration awaitDrain(String name, String reason, Duration timeout) {
        long start = System.nanoTime();
        cluster.await(name + " drained for '" + reason + "'", timeout,
                () -> reason.equals(node(name).getReason()) && !node(name).getDrainedBy().isEmpty(),
                () -> "node: " + node(name) + "\n--- " + name + " log ---\n" + cluster.log(name));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    // ---- the proof ----

    @Test
    void an_injected_xid_79_drains_within_two_health_intervals_while_the_running_job_keeps_running() {
        startAgentOnFakeGpus("gpu-a");
        Path finish = work.resolve("finish");
        long job = submit("--gpus-per-node", "2", "--time", "10:00", "--wrap",
                "while [ ! -e '" + finish + "' ]; do sleep 0.2; done; echo finished");
        cluster.awaitState(job, JobState.JOB_STATE_RUNNING, SOON);

        xid(3, 79, "GPU has fallen off the bus.");
        Duration took = awaitDrain("gpu-a", "gpu 3: XID 79 (GPU has fallen off the bus)", TWO_INTERVALS_AND_SLACK);
        System.out.println("HealthIT: XID 79 injected -> node drained in " + took.toMillis() + " ms (health interval "
                + HEALTH_INTERVAL.toMillis() + " ms)");

        Node n = node("gpu-a");
        assertThat(n.getDrainedBy()).isEqualTo("rota-agent health");
        assertThat(n.getState()).as("drained with a job still on it").isEqualTo(NodeState.NODE_STATE_DRAINING);
        assertThat(cluster.job(job).getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
        RotaProcesses.Result nodes = cluster.rota(work, "node", "show", "gpu-a");
        assertThat(nodes.exit()).as("%s", nodes).isZero();
        assertThat(nodes.out()).contains("gpu 3: XID 79 (GPU has fallen off the bus)");

        // No new work lands on it; the running job runs to its end.
        long next = submit("--gpus-per-node", "1", "--time", "10:00", "--wrap", "true");
        cluster.awaitJob(next, "to wait for a node", SOON, j -> j.getState() == JobState.JOB_STATE_PENDING
                && !j.getReason().isEmpty());
        assertThat(cluster.job(job).getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
        try {
            Files.writeString(finish, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cluster.awaitState(job, JobState.JOB_STATE_COMPLETED, SOON);
        cluster.await("gpu-a to be DRAINED", SOON, () -> node("gpu-a").getState() == NodeState.NODE_STATE_DRAINED);
        assertThat(cluster.job(next).getState()).isEqualTo(JobState.JOB_STATE_PENDING);
    }

    @Test
    void a_missing_gpu_drains_and_a_hot_gpu_does_not() {
        startAgentOnFakeGpus("gpu-b");

        gpus(row(0, 97), row(1, 40), row(2, 40), row(3, 40));
        cluster.await("the daemon to hear the temperature warning", SOON,
                () -> cluster.log("rotad").contains("node gpu-b: health warnings: gpu 0: temperature over 85 C"),
                () -> "\n--- gpu-b log ---\n" + cluster.log("gpu-b"));
        Node warm = node("gpu-b");
        assertThat(warm.getDrainedBy()).as("a warning never drains").isEmpty();
        assertThat(warm.getState()).isEqualTo(NodeState.NODE_STATE_IDLE);

        gpus(row(0, 97), row(1, 40), row(3, 40));
        Duration took = awaitDrain("gpu-b", "gpu 2: missing (not listed by nvidia-smi)", TWO_INTERVALS_AND_SLACK);
        System.out.println("HealthIT: GPU 2 removed -> node drained in " + took.toMillis() + " ms");
        assertThat(node("gpu-b").getState()).isEqualTo(NodeState.NODE_STATE_DRAINED);

        // Back to health, the node stays drained until an admin resumes it.
        gpus(row(0, 40), row(1, 40), row(2, 40), row(3, 40));
        cluster.await("the agent to see the GPU back", SOON,
                () -> cluster.log("gpu-b").contains("no fatal condition any more"));
        assertThat(node("gpu-b").getState()).isEqualTo(NodeState.NODE_STATE_DRAINED);
        RotaProcesses.Result resume = cluster.rota(work, "resume", "gpu-b");
        assertThat(resume.exit()).as("%s", resume).isZero();
        cluster.await("gpu-b to be IDLE", SOON, () -> node("gpu-b").getState() == NodeState.NODE_STATE_IDLE);
    }

    @Test
    void a_failing_health_check_program_drains_with_its_first_line_and_a_hung_one_with_a_timeout()
            throws IOException {
        Path flag = dir.resolve("check-fails");
        Path hang = dir.resolve("check-hangs");
        Path program = dir.resolve("nhc.sh");
        Files.writeString(program, "#!/bin/bash\n"
                + "if [ -e '" + hang + "' ]; then exec sleep 300; fi\n"
                + "if [ -e '" + flag + "' ]; then cat '" + flag + "'; exit 1; fi\n"
                + "echo all checks passed\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        cluster.startAgentWith("gpu-c", Map.of(), "--fake-gpus", "2", "--health-check-program", program.toString(),
                "--health-check-interval", "1", "--health-check-timeout", "2");
        assertThat(node("gpu-c").getDrainedBy()).isEmpty();

        Files.writeString(flag, "\nIB port mlx5_0/1 is Down\nsecond line is not the reason\n");
        awaitDrain("gpu-c", "IB port mlx5_0/1 is Down", SOON);
        assertThat(node("gpu-c").getDrainedBy()).isEqualTo("rota-agent health");

        Files.delete(flag);
        Files.writeString(hang, "");
        awaitDrain("gpu-c", "health check timed out after 2 s", SOON);
    }
}
