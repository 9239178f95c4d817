package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily-use CLI (issue #8) through bin/rota against a real rotad and two rota-agents with fake
 * GPUs: queue filters and formats, watch (the server stream), logs (from the agent, following),
 * nodes and node show, drain/resume with a hostlist, cluster and config, each with --json.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DailyCliIT {
    private static final Duration SOON = Duration.ofSeconds(60);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)");

    RotaProcesses cluster;
    Path work;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws IOException {
        cluster = new RotaProcesses(dir).startDaemon().startAgent("gpu-01", 4).startAgent("gpu-02", 4);
        work = Files.createDirectories(dir.resolve("work"));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private RotaProcesses.Result rota(String... args) {
        return cluster.rota(work, args);
    }

    private long submit(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "submit";
        System.arraycopy(args, 0, all, 1, args.length);
        RotaProcesses.Result r = rota(all);
        assertThat(r.exit()).as("%s", r).isZero();
        Matcher m = SUBMITTED.matcher(r.out());
        assertThat(m.find()).as("%s", r).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    @Order(1)
    void watch_and_logs_follow_a_job_to_its_end_without_a_shared_file_system() throws IOException {
        // A flag file the job waits for, so watch and logs -f start while it runs.
        Path go = work.resolve("go");
        long id = submit("-J", "talker", "--gpus-per-node", "2", "--wrap",
                "echo first; while [ ! -e " + go + " ]; do sleep 0.1; done; echo second; echo oops >&2; exit 3");
        cluster.awaitState(id, JobState.JOB_STATE_RUNNING, SOON);
        // rota logs reads through the agent's gRPC service; moving the file aside would break a
        // shared-file-system shortcut, so read it once first to prove the path works while running.
        RotaProcesses.Result early = rota("logs", Long.toString(id));
        assertThat(early.out()).as("%s", early).isEqualTo("first\n");

        // watch and logs -f run side by side while the job waits; the job goes on once both are up.
        var follower = java.util.concurrent.CompletableFuture.supplyAsync(() -> rota("logs", "-f", Long.toString(id)));
        Thread release = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(6_000);
                Files.writeString(go, "");
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        RotaProcesses.Result watch = rota("watch", Long.toString(id));
        RotaProcesses.Result follow = follower.join();
        release.interrupt();

        assertThat(watch.exit()).as("%s", watch).isZero();
        assertThat(watch.out()).as("%s", watch).contains("job " + id + " (talker, ")
                .contains("RUNNING -> FAILED, exit code 3");
        assertThat(follow.exit()).as("%s", follow).isZero();
        assertThat(follow.out()).isEqualTo("first\nsecond\noops\n");
        RotaProcesses.Result json = rota("logs", Long.toString(id), "--json");
        assertThat(json.out()).contains("\"job_id\": " + id, "\"node\": \"gpu-01\"", "\"output\": \"first\\nsecond\\noops\\n\"");
    }

    @Test
    @Order(2)
    void queue_filters_formats_and_names_unknown_jobs() {
        long running = submit("-J", "long-one", "--gpus-per-node", "4", "--wrap", "sleep 300");
        cluster.awaitState(running, JobState.JOB_STATE_RUNNING, SOON);

        RotaProcesses.Result table = rota("queue", "--me", "-t", "R");
        RotaProcesses.Result format = rota("queue", "-j", Long.toString(running), "-o", "%i|%j|%T|%b|%D", "-h");
        RotaProcesses.Result unknown = rota("queue", "-j", "4242");
        RotaProcesses.Result json = rota("queue", "-p", "nope", "--json");

        assertThat(table.out()).startsWith("JOBID  PARTITION  NAME      USER").contains("long-one", " R ", "gpu-0");
        assertThat(format.out()).isEqualTo(running + "|long-one|RUNNING|gres/gpu:4|1\n");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("job 4242 does not exist");
        assertThat(json.out()).isEqualTo("{\n  \"jobs\": []\n}\n");
        rota("cancel", Long.toString(running));
    }

    @Test
    @Order(3)
    void nodes_node_show_drain_and_resume_with_a_hostlist() {
        RotaProcesses.Result drain = rota("drain", "gpu-[01-02]", "--reason", "rack work");
        RotaProcesses.Result nodes = rota("nodes");
        RotaProcesses.Result show = rota("node", "show", "gpu-02");
        RotaProcesses.Result resume = rota("resume", "gpu-[01-02]");
        RotaProcesses.Result missing = rota("node", "show", "gpu-99");

        assertThat(drain.exit()).as("%s", drain).isZero();
        assertThat(drain.out()).contains("Node gpu-01 is now", "Node gpu-02 is now drained");
        assertThat(nodes.out()).contains("gpu-[01-02]").containsPattern("drain(ed|ing)");
        assertThat(show.out()).contains("NodeName=gpu-02", "Reason=rack work", "DrainedBy=" + System.getProperty("user.name"),
                "Heartbeat=");
        assertThat(resume.exit()).isZero();
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("rota: node gpu-99 does not exist (rota nodes lists them)\n");
        assertThat(rota("nodes", "--long", "--json").out()).contains("\"heartbeat_age_seconds\": ");
    }

    @Test
    @Order(4)
    void cluster_and_config_tell_where_things_stand() {
        RotaProcesses.Result summary = rota("cluster");
        RotaProcesses.Result json = rota("cluster", "--json");
        RotaProcesses.Result config = rota("config");

        assertThat(summary.out()).contains("GPUs", "(8 total", "Scheduler");
        assertThat(json.out()).contains("\"gpus\": {", "\"scheduler\": {", "\"steps\": ");
        assertThat(config.out()).startsWith("address      " + cluster.address() + "  (from ROTA_ADDRESS)\n");
    }
}
