package dev.rota.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.engine.EngineConfig;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.Outcome;
import dev.rota.core.engine.SchedulerEngine;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.node.Gpu;
import dev.rota.daemon.loop.EngineLoop;
import dev.rota.daemon.store.InMemoryStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The daemon's metrics as a scrape shows them, driven through a real engine loop. */
class DaemonMetricsTest {
    private static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        volatile Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final HandClock clock = new HandClock();
    private final DaemonMetrics metrics = new DaemonMetrics("main");
    private EngineLoop loop;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    private void start() {
        loop = new EngineLoop(SchedulerEngine.fresh(EngineConfig.defaults()), new InMemoryStateStore(), effect -> { },
                clock, 1024, 10_000, metrics);
        metrics.readFrom(loop::snapshot);
        loop.start(List.of());
    }

    private Outcome send(Function<Instant, Event> event) throws Exception {
        return loop.submit(event).get(5, TimeUnit.SECONDS);
    }

    private void node(String name, int gpus) throws Exception {
        List<Gpu> list = new ArrayList<>();
        for (int i = 0; i < gpus; i++) {
            list.add(new Gpu(i, name + "-" + i, "H100", 0));
        }
        send(at -> new Event.NodeRegistered(at, name, name + ":1", list, List.of(), List.of()));
    }

    private JobId submit(String account, int nodes, int gpusPerNode) throws Exception {
        JobSpec spec = new JobSpec("j", "alice", account, "", nodes, 1, gpusPerNode, Duration.ofHours(1), "true",
                List.of(), "/tmp", "", "", new TreeMap<>(), true);
        return ((Outcome.JobAccepted) send(at -> new Event.JobSubmitted(at, spec))).job();
    }

    private void exited(String node, JobId job, int code) throws Exception {
        send(at -> new Event.AllocationEnded(at, node, job, 1, code, ""));
    }

    /** The value of one series in the exposition, e.g. {@code rota_jobs{partition="main",state="pending"}}. */
    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as("series %s in%n%s", series, exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void gpus_by_state_follow_jobs_and_drains_and_add_up_to_the_cluster() throws Exception {
        start();
        node("node-1", 8);
        node("node-2", 8);
        submit("physics", 1, 4);

        String s = metrics.scrape();
        assertThat(value(s, "rota_gpus{model=\"H100\",partition=\"main\",state=\"allocated\"}")).isEqualTo(4);
        assertThat(value(s, "rota_gpus{model=\"H100\",partition=\"main\",state=\"idle\"}")).isEqualTo(12);
        assertThat(value(s, "rota_nodes{partition=\"main\",state=\"mixed\"}")).isEqualTo(1);
        assertThat(value(s, "rota_nodes{partition=\"main\",state=\"idle\"}")).isEqualTo(1);
        assertThat(value(s, "rota_gpu_fragmentation_ratio{partition=\"main\"}")).as("4 of 12 idle GPUs on node-1")
                .isEqualTo(4.0 / 12);

        send(at -> new Event.NodeDrainRequested(at, "node-2", "maintenance", "root"));
        send(at -> new Event.NodeDisconnected(at, "node-1"));
        s = metrics.scrape();
        assertThat(value(s, "rota_gpus{model=\"H100\",partition=\"main\",state=\"drained\"}")).isEqualTo(8);
        assertThat(value(s, "rota_gpus{model=\"H100\",partition=\"main\",state=\"down\"}"))
                .as("node-1's free GPUs while its agent is away").isEqualTo(4);
        assertThat(value(s, "rota_gpus{model=\"H100\",partition=\"main\",state=\"allocated\"}")).isEqualTo(4);
        assertThat(value(s, "rota_gpus{model=\"H100\",partition=\"main\",state=\"idle\"}")).isZero();
        assertThat(value(s, "rota_nodes{partition=\"main\",state=\"not_responding\"}")).isEqualTo(1);
    }

    @Test
    void job_counters_count_each_start_and_end_once_with_the_wait_before_the_start() throws Exception {
        start();
        node("node-1", 8);
        JobId first = submit("physics", 1, 8);
        clock.now = T0.plusSeconds(40);
        JobId second = submit("physics", 1, 8);
        JobId third = submit("biology", 1, 8);

        String s = metrics.scrape();
        assertThat(value(s, "rota_jobs{partition=\"main\",state=\"running\"}")).isEqualTo(1);
        assertThat(value(s, "rota_jobs{partition=\"main\",state=\"pending\"}")).isEqualTo(2);
        assertThat(value(s, "rota_pending_jobs{reason=\"Resources\"}")).isEqualTo(1);
        assertThat(value(s, "rota_pending_jobs{reason=\"Priority\"}")).isEqualTo(1);
        assertThat(value(s, "rota_account_jobs{account=\"physics\",partition=\"main\",state=\"pending\"}"))
                .isEqualTo(1);
        assertThat(value(s, "rota_account_jobs{account=\"biology\",partition=\"main\",state=\"pending\"}"))
                .isEqualTo(1);
        assertThat(value(s, "rota_queue_oldest_pending_submit_timestamp_seconds"))
                .isEqualTo(T0.plusSeconds(40).getEpochSecond());

        clock.now = T0.plusSeconds(100);
        exited("node-1", first, 0);
        // Fair share: biology has used nothing, so its job goes before physics's second one.
        clock.now = T0.plusSeconds(200);
        exited("node-1", third, 3);
        send(at -> new Event.JobCancelRequested(at, second, "alice"));
        clock.now = T0.plusSeconds(300);
        exited("node-1", second, 143);

        s = metrics.scrape();
        assertThat(value(s, "rota_job_starts_total")).isEqualTo(3);
        assertThat(value(s, "rota_job_ends_total{state=\"completed\"}")).isEqualTo(1);
        assertThat(value(s, "rota_job_ends_total{state=\"failed\"}")).isEqualTo(1);
        assertThat(value(s, "rota_job_ends_total{state=\"cancelled\"}")).isEqualTo(1);
        assertThat(value(s, "rota_job_ends_total{state=\"timeout\"}")).isZero();
        assertThat(value(s, "rota_queue_wait_seconds_count")).isEqualTo(3);
        assertThat(value(s, "rota_queue_wait_seconds_sum")).as("0 s, 100 - 40 s, 200 - 40 s").isEqualTo(220);
        assertThat(value(s, "rota_queue_wait_seconds_bucket{le=\"60.0\"}")).isEqualTo(2);
        assertThat(s).doesNotContain("rota_queue_oldest_pending_submit_timestamp_seconds ");
        assertThat(value(s, "rota_fairshare_usage_gpu_seconds{account=\"physics\"}"))
                .as("two 100 s jobs on 8 GPUs, barely decayed").isCloseTo(1600, org.assertj.core.data.Offset.offset(1.0));
        assertThat(value(s, "rota_fairshare_usage_gpu_seconds{account=\"biology\"}"))
                .isCloseTo(800, org.assertj.core.data.Offset.offset(1.0));
        assertThat(value(s, "rota_fairshare_level_fairness{account=\"physics\"}")).as("used twice its share")
                .isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void a_job_submitted_and_started_in_one_step_counts_one_start() throws Exception {
        start();
        node("node-1", 8);
        submit("physics", 1, 1);
        submit("physics", 1, 1);
        String s = metrics.scrape();
        assertThat(value(s, "rota_job_starts_total")).isEqualTo(2);
        assertThat(value(s, "rota_queue_wait_seconds_count")).isEqualTo(2);
        assertThat(value(s, "rota_engine_running")).isEqualTo(1);
    }

    @Test
    void store_files_are_sized_by_kind() throws Exception {
        Path dir = Files.createTempDirectory("rota-store-files");
        Files.write(dir.resolve("000012.log"), new byte[300]);
        Files.write(dir.resolve("000010.sst"), new byte[1000]);
        Files.write(dir.resolve("000011.sst"), new byte[24]);
        Files.write(dir.resolve("LOG"), new byte[5000]);
        Files.write(dir.resolve("MANIFEST-000005"), new byte[70]);
        assertThat(StoreFiles.in(dir)).isEqualTo(new StoreFiles(300, 1024));
    }

    @Test
    void pending_reason_codes_are_labels_and_free_text_shares_one() {
        assertThat(ClusterCounts.reasonLabel("Resources")).isEqualTo("Resources");
        assertThat(ClusterCounts.reasonLabel("AccountBudgetExhausted")).isEqualTo("AccountBudgetExhausted");
        assertThat(ClusterCounts.reasonLabel("")).isEqualTo("None");
        assertThat(ClusterCounts.reasonLabel("batch script lost on node-3 (agent restarted)")).isEqualTo("Other");
    }
}
