package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.ClusterSummary;
import dev.rota.api.v1.Count;
import dev.rota.api.v1.JobEvent;
import dev.rota.api.v1.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rota watch, cluster, config, completion, help, --version through RotaCli against the fake daemon. */
class DailyCommandsTest {
    private final FakeRotad rotad = new FakeRotad().with(Examples.runningTraining()).with(Examples.pendingEvaluation());

    @TempDir
    Path home;

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    private Caller aliceWith(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(FakeRotad.ALICE.environment());
        env.put("HOME", home.toString());
        env.putAll(extra);
        return new Caller("alice", env, FakeRotad.ALICE.workingDir(), FakeRotad.ALICE.stdin());
    }

    @Test
    void watchPrintsOneLinePerChangeAndEndsWithTheStream() {
        rotad.watchEvents.add(JobEvent.newBuilder().setJob(Examples.pendingEvaluation()).setInitial(true)
                .setAt(FakeRotad.at("2026-11-23T12:00:00Z")).build());
        rotad.watchEvents.add(JobEvent.newBuilder().setJob(Examples.pendingEvaluation().toBuilder()
                .setState(JobState.JOB_STATE_RUNNING).setReason("").setNodelist("node-3"))
                .setPreviousState(JobState.JOB_STATE_PENDING).setAt(FakeRotad.at("2026-11-23T12:00:05Z")).build());
        rotad.watchEvents.add(JobEvent.newBuilder().setJob(Examples.pendingEvaluation().toBuilder()
                .setState(JobState.JOB_STATE_FAILED).setReason("NonZeroExitCode").setExitCode(3))
                .setPreviousState(JobState.JOB_STATE_RUNNING).setAt(FakeRotad.at("2026-11-23T12:01:00Z")).build());

        var result = rotad.rota("watch", "12");

        assertThat(result.exitCode()).isZero();
        Golden.assertMatches("watch", result.out());
        assertThat(rotad.watches.getFirst().getJobIdsList()).containsExactly(12L);
    }

    @Test
    void watchMeAsksForTheCallersJobsAndJsonIsOneObjectPerEvent() {
        rotad.watchEvents.add(JobEvent.newBuilder().setJob(Examples.runningTraining()).setInitial(true)
                .setAt(FakeRotad.at("2026-11-23T12:00:00Z")).build());

        var result = rotad.rota("watch", "--me", "--json");

        assertThat(rotad.watches.getFirst().getUser()).isEqualTo("alice");
        assertThat(result.out()).startsWith("{\n  \"at\": \"2026-11-23T12:00:00Z\",\n  \"initial\": true,\n"
                + "  \"previous_state\": null,\n  \"job\": {\n    \"id\": 7,");
    }

    @Test
    void watchingAJobThatDoesNotExistSaysSo() {
        var result = rotad.rota("watch", "99");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("rota: job 99 does not exist\n");
    }

    @Test
    void clusterFitsOnOneScreen() {
        rotad.summary = ClusterSummary.newBuilder()
                .addGpusByState(count("ALLOCATED", 12)).addGpusByState(count("IDLE", 3))
                .addGpusByState(count("UNAVAILABLE", 1))
                .addNodesByState(count("DRAINED", 1)).addNodesByState(count("MIXED", 1))
                .addJobsByState(count("PENDING", 4)).addJobsByState(count("RUNNING", 3)).setJobsWaitingForGpus(2)
                .addBusiestAccounts(count("ml-research", 8)).addBusiestAccounts(count("vision", 4))
                .setSteps(1234).setLastStep(com.google.protobuf.Duration.newBuilder().setNanos(1_200_000))
                .setMedianStep(com.google.protobuf.Duration.newBuilder().setNanos(800_000))
                .setMaxStep(com.google.protobuf.Duration.newBuilder().setNanos(45_000_000)).build();

        var text = rotad.rota("cluster");
        var json = rotad.rota("cluster", "--json");

        Golden.assertMatches("cluster", text.out());
        Golden.assertMatches("cluster-json", json.out());
    }

    private static Count count(String name, long n) {
        return Count.newBuilder().setName(name).setCount(n).build();
    }

    @Test
    void configShowsTheAddressAndWhereItCameFromInOrder() throws IOException {
        Path file = Files.createDirectories(home.resolve(".config/rota")).resolve("config");
        Files.writeString(file, "# the lab cluster\naddress = rotad.lab:7070\n");

        var fromFile = rotad.rota(aliceWith(Map.of()), "config");
        var fromEnv = rotad.rota(aliceWith(Map.of("ROTA_ADDRESS", "10.1.1.1:7070")), "config");
        var fromFlag = rotad.rota(aliceWith(Map.of("ROTA_ADDRESS", "10.1.1.1:7070")), "--address", "h:1", "config");

        assertThat(fromFile.out()).startsWith("address      rotad.lab:7070  (from " + file + ":2)\n");
        assertThat(fromEnv.out()).startsWith("address      10.1.1.1:7070  (from ROTA_ADDRESS)\n");
        assertThat(fromFlag.out()).startsWith("address      h:1  (from --address)\n");
        assertThat(rotad.rota(aliceWith(Map.of("XDG_CONFIG_HOME", home.resolve("none").toString())), "config", "--json")
                .out()).contains("\"address\": \"127.0.0.1:7070\"", "\"address_from\": \"default\"",
                        "\"config_file_exists\": false");
    }

    @Test
    void aBadConfigFileNamesItsLine() throws IOException {
        Path file = Files.createDirectories(home.resolve(".config/rota")).resolve("config");
        Files.writeString(file, "adress = x:1\n");

        var result = rotad.rota(aliceWith(Map.of()), "queue");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: " + file + ":1: unknown setting 'adress' (known: address)\n");
    }

    @Test
    void anUnreachableDaemonNamesTheAddressAndWhereItCameFrom() {
        var result = new FakeRotad().rota(aliceWith(Map.of("ROTA_ADDRESS", "127.0.0.1:1")), "queue");
        RotaCli real = new RotaCli(dev.rota.cli.channel.ChannelFactory.plaintext(), aliceWith(Map.of(
                "ROTA_ADDRESS", "127.0.0.1:1")), FakeRotad.CLOCK);
        var unreachable = FakeRotad.run(real, "queue");

        assertThat(result.exitCode()).isZero(); // the fake ignores the address
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("rota: cannot reach the Rota daemon at 127.0.0.1:1 (connection refused; "
                + "address from ROTA_ADDRESS)");
    }

    @Test
    void completionAndManPagesComeFromTheCommands() {
        var bash = rotad.rota("completion", "bash");
        var zsh = rotad.rota("completion", "zsh");

        assertThat(bash.exitCode()).isZero();
        assertThat(bash.out()).contains("complete -F _complete_rota", "queue", "watch", "logs", "--noheader");
        assertThat(zsh.out()).startsWith("#compdef rota\n");
        String man = dev.rota.cli.docs.CommandDocs.manPage(new RotaCli(rotad.channels(), FakeRotad.ALICE, FakeRotad.CLOCK)
                .commandLine(new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(
                        java.io.Writer.nullWriter())).getSubcommands().get("queue"), "rota-queue");
        assertThat(man).startsWith(".TH ROTA-QUEUE 1").contains(".SH OPTIONS", "\\-\\-noheader", ".SH EXIT STATUS");
    }

    @Test
    void helpCommandAndVersion() {
        var help = rotad.rota("help", "logs");
        var version = rotad.rota("--version");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: rota logs", "--follow", "--err", "--node");
        assertThat(version.out()).startsWith("rota ");
    }

    @Test
    void logsOfAPendingJobSaysWhenItWillHaveSome() {
        var result = rotad.rota("logs", "12");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("rota: job 12 has not started yet: its output appears once it runs "
                + "(rota watch 12)\n");
    }
}
