package dev.rota.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rota.agent.Launches;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.LaunchJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root agent runs each job as its submitter, with a throwaway user made with {@code useradd}
 * (and removed after). Skipped where the test does not run as root or {@code useradd} is missing:
 * only root can switch users, and only useradd makes one to switch to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunAsUserTest {

    private String user;
    private String group;
    private PosixUser account;
    private Path work;

    @TempDir
    Path spool;

    private JobSupervisor supervisor;
    private final BlockingQueue<AllocationEnded> reports = new LinkedBlockingQueue<>();

    @BeforeAll
    void createUser() throws Exception {
        assumeTrue(JobSupervisor.AGENT_UID == 0, "not root: only root can run a job as another user");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")), "no /usr/sbin/useradd to create a test user");
        int n = ThreadLocalRandom.current().nextInt(100_000, 999_999);
        user = "rota-t" + n;
        group = "rota-g" + n;
        sh("groupadd", group);
        sh("useradd", "--create-home", "--user-group", "--groups", group, "--shell", "/bin/bash", user);
        account = PosixUser.lookup(user).orElseThrow();
        work = Files.createTempDirectory("rota-run-as");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(work, "unix:uid", (int) account.uid());
    }

    @AfterAll
    void removeUser() throws Exception {
        if (user != null) {
            sh("userdel", "--remove", user);
            sh("groupdel", group);
            JobSupervisor.deleteTree(work);
        }
    }

    @BeforeEach
    void start() {
        supervisor = new JobSupervisor("node-1", spool,
                new ExecutionSettings(Optional.empty(), Optional.empty(), RunAs.SUBMITTER, false));
        supervisor.addListener(reports::add);
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    private LaunchJob job(long id, String who, String script) {
        return Launches.job(id, 1, work, script, Launches.node("node-1", "127.0.0.1:1", 0)).setUser(who)
                .setOutputPath(work.resolve("out-" + id + ".txt").toString()).build();
    }

    private AllocationEnded nextReport() throws InterruptedException {
        AllocationEnded r = reports.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("an AllocationEnded report").isNotNull();
        return r;
    }

    @Test
    void theJobRunsAsItsSubmitterWithTheirGroupsAndHomeAndACleanEnvironment() throws Exception {
        supervisor.launch(job(1, user, """
                echo "$(id -u) $(id -g) $(id -Gn)"
                echo "$HOME $USER $LOGNAME"
                env | cut -d= -f1 | sort > names.txt
                srun_owner=$(stat -c %U "$(command -v srun)")
                echo "$srun_owner"
                """));

        assertThat(nextReport().getExitCode()).isZero();
        Path out = work.resolve("out-1.txt");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).startsWith(account.uid() + " " + account.gid() + " ");
        assertThat(Arrays.asList(lines.get(0).split(" ")).subList(2, lines.get(0).split(" ").length))
                .contains(user, group);
        assertThat(lines.get(1)).isEqualTo(account.home() + " " + user + " " + user);
        assertThat(lines.get(2)).as("the job's spool files are the user's").isEqualTo(user);
        assertThat(Files.getAttribute(out, "unix:uid")).as("the output file is the user's").isEqualTo((int) account.uid());
        Set<String> jobVariables = Set.copyOf(Files.readAllLines(work.resolve("names.txt")));
        Set<String> agentOnly = System.getenv().keySet().stream()
                .filter(k -> !Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "PWD", "SHLVL", "_", "OLDPWD")
                        .contains(k))
                .collect(java.util.stream.Collectors.toSet());
        assertThat(jobVariables).as("nothing of the agent's environment").doesNotContainAnyElementsOf(agentOnly);
    }

    @Test
    void aJobOfRootIsRefusedWithoutAllowRootJobs() throws Exception {
        supervisor.launch(job(2, "root", "touch ran\n"));

        assertThat(nextReport().getLaunchError()).isEqualTo(
                "job of root refused: this agent runs no job as root unless started with --allow-root-jobs");
        assertThat(work.resolve("ran")).doesNotExist();
    }

    @Test
    void anUnknownUserFailsTheLaunch() throws Exception {
        supervisor.launch(job(3, "rota-nobody-" + user, "true\n"));

        assertThat(nextReport().getLaunchError()).isEqualTo("user 'rota-nobody-" + user + "' does not exist on node-1");
    }

    @Test
    void anOutputFileTheUserMayNotWriteFailsTheLaunchWithoutTheAgentCreatingIt() throws Exception {
        Path rootOnly = Files.createDirectories(work.resolve("root-only"));
        Files.setAttribute(rootOnly, "unix:uid", 0);
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));

        supervisor.launch(job(4, user, "true\n").toBuilder().setOutputPath(rootOnly.resolve("out.txt").toString())
                .build());

        assertThat(nextReport().getLaunchError()).isEqualTo("cannot open output file " + rootOnly.resolve("out.txt")
                + " as user " + user + ": " + rootOnly.resolve("out.txt") + ": Permission denied");
        assertThat(rootOnly.resolve("out.txt")).doesNotExist();
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
