package dev.rota.agent.step;

import static dev.rota.agent.Eventually.gone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.Eventually;
import dev.rota.agent.Launches;
import dev.rota.agent.v1.LaunchJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** srun in-process against two real StepServers on loopback. */
class SrunTest {

    @TempDir
    Path dir;
    @TempDir
    Path spool;

    private StepCluster cluster;
    private LaunchJob job;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        cluster = new StepCluster(spool, 2);
        job = Launches.job(7, 1, dir, "exec sleep 1000\n", cluster.nodes.toArray(new dev.rota.agent.v1.AllocatedNode[0]))
                .setNtasksPerNode(2)
                .putEnvironment("FROM_SUBMITTER", "kept")
                .build();
        cluster.launch(job);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private int srun(Map<String, String> env, String... args) {
        return new Srun(env, dir, out, err).run(args);
    }

    private int srun(String... args) {
        return srun(StepCluster.batchEnvironment(job), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyTaskGetsItsOwnRanksAndTheSameMaster() {
        int code = srun("-l", "env");

        assertThat(code).as(err()).isZero();
        Map<Integer, Map<String, String>> byTask = labelledEnvironments(out());
        assertThat(byTask).containsOnlyKeys(0, 1, 2, 3);
        for (int p = 0; p < 4; p++) {
            assertThat(byTask.get(p)).as("task %d", p)
                    .containsEntry("RANK", String.valueOf(p))
                    .containsEntry("SLURM_PROCID", String.valueOf(p))
                    .containsEntry("LOCAL_RANK", String.valueOf(p % 2))
                    .containsEntry("NODE_RANK", String.valueOf(p / 2))
                    .containsEntry("SLURMD_NODENAME", "node-" + (p / 2 + 1))
                    .containsEntry("CUDA_VISIBLE_DEVICES", p < 2 ? "0,1" : "2,3")
                    .containsEntry("MASTER_ADDR", "127.0.0.1")
                    .containsEntry("MASTER_PORT", "29500")
                    .containsEntry("WORLD_SIZE", "4")
                    .containsEntry("FROM_SUBMITTER", "kept");
        }
    }

    @Test
    void aFailingTaskDecidesTheExitCodeAndKillsItsSiblings() throws IOException {
        Files.createDirectory(dir.resolve("pids"));
        String task = """
                if [ "$RANK" = 0 ]; then
                  while [ "$(ls pids | wc -l)" -lt 3 ]; do sleep 0.02; done
                  exit 5
                fi
                echo $$ > pids/$RANK
                exec sleep 1000
                """;

        int code = srun("bash", "-c", task);

        assertThat(code).isEqualTo(5);
        assertThat(err()).contains("node-1: task 0: exited with exit code 5");
        List<Long> siblings;
        try (Stream<Path> files = Files.list(dir.resolve("pids"))) {
            siblings = files.map(f -> Long.parseLong(read(f).strip())).toList();
        }
        assertThat(siblings).hasSize(3);
        Eventually.until(Duration.ofSeconds(8), "sibling tasks killed", () -> siblings.stream().allMatch(pid -> gone(pid)));
    }

    @Test
    void tasksPerNodeCanBeOverriddenAndLabelsEndUnfinishedLines() {
        int code = srun("--ntasks-per-node=3", "--label", "bash", "-c",
                "printf \"$WORLD_SIZE $LOCAL_WORLD_SIZE $SLURM_NTASKS\\nno newline\"");

        assertThat(code).as(err()).isZero();
        List<String> lines = out().lines().sorted().toList();
        assertThat(lines).hasSize(12);
        for (int p = 0; p < 6; p++) {
            assertThat(lines).contains(p + ": 6 3 6", p + ": no newline");
        }
    }

    @Test
    void stdoutAndStderrStaySeparateAndLargeOutputArrivesWhole() {
        int code = srun("--ntasks-per-node", "1", "bash", "-c", "head -c 3000000 /dev/zero; echo to-stderr >&2");

        assertThat(code).as(err()).isZero();
        assertThat(out.size()).isEqualTo(2 * 3_000_000);
        assertThat(err()).isEqualTo("to-stderr\nto-stderr\n");
    }

    @Test
    void aJobWithoutAnAllocationHereIsRefused() {
        Map<String, String> env = StepCluster.batchEnvironment(job);
        env.put("ROTA_JOB_ID", "999");

        int code = srun(env, "true");

        assertThat(code).isEqualTo(1);
        // Whichever node refuses first cancels the rest.
        assertThat(err()).containsPattern("srun: error: node-[12]: job 999 holds no running allocation on node node-[12]");
    }

    @Test
    void anUnreachableNodeIsNamed() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> env = StepCluster.batchEnvironment(job);
        env.put("ROTA_STEP_NODES", cluster.nodes.getFirst().getName() + "=" + cluster.nodes.getFirst().getAddress()
                + ",node-9=127.0.0.1:" + port);

        int code = srun(env, "--ntasks-per-node=1", "sleep", "1000");

        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("node node-9 (127.0.0.1:" + port + ") is unreachable");
    }

    @Test
    void outsideAJobSrunSaysSo() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("ROTA_JOB_ID");

        assertThat(srun(env, "hostname")).isEqualTo(1);
        assertThat(err()).contains("not inside a Rota job (ROTA_JOB_ID is not set)");
    }

    @Test
    void ignoredOptionsWarnOnceAndContainerOptionsAreRefused() {
        int code = srun("--mpi=pmix", "--cpu-bind", "none", "--overlap", "--mpi", "pmi2", "-m", "block:block", "true");
        assertThat(code).isZero();
        assertThat(err().lines().filter(l -> l.contains("--mpi")).count()).isEqualTo(1);
        assertThat(err()).contains("--cpu-bind is accepted and ignored", "--overlap is accepted and ignored",
                "--distribution is accepted and ignored");

        assertThat(srun("--container-image=nvcr.io/nvidia/pytorch:24.01", "python")).isEqualTo(2);
        assertThat(err()).contains("--container-image: containers are not supported");
    }

    @Test
    void withoutKillOnBadExitTheOtherTasksRunToTheirEnd() throws IOException {
        Path marker = dir.resolve("survivors");
        String task = "if [ $SLURM_PROCID = 0 ]; then exit 3; fi; sleep 0.5; echo $SLURM_PROCID >> " + marker;
        int code = srun("--kill-on-bad-exit=0", "bash", "-c", task);
        assertThat(code).isEqualTo(3);
        assertThat(Files.readAllLines(marker)).isNotEmpty();
    }

    @Test
    void exportNoneSendsOnlyTheJobsVariablesAndValuesGiven() {
        Map<String, String> env = new HashMap<>(StepCluster.batchEnvironment(job));
        env.put("SECRET_TOKEN", "x");
        int code = srun(env, "--export=NONE,GREETING=hi", "bash", "-c", "echo token=${SECRET_TOKEN:-unset} greeting=$GREETING");
        assertThat(code).isZero();
        assertThat(out()).contains("token=unset greeting=hi");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(srun()).isEqualTo(2);
        assertThat(err()).contains("no command given").contains("usage: srun");
        assertThat(srun("--ntasks-per-node", "zero", "true")).isEqualTo(2);
        assertThat(srun("--bogus", "true")).isEqualTo(2);
        assertThat(err()).contains("unknown option --bogus");
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<Integer, Map<String, String>> labelledEnvironments(String text) {
        Pattern line = Pattern.compile("^(\\d+): ([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
        Map<Integer, Map<String, String>> byTask = new TreeMap<>();
        for (String l : text.lines().toList()) {
            Matcher m = line.matcher(l);
            if (m.matches()) {
                byTask.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeMap<>()).put(m.group(2), m.group(3));
            }
        }
        return byTask;
    }
}
