package dev.rota.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.gpu.Gpu;
import dev.rota.agent.health.GpuSample;
import dev.rota.agent.health.GpuStatus;
import dev.rota.agent.health.HealthReport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A node agent's metrics as a scrape shows them. */
class AgentMetricsTest {

    /** A node whose state the test sets by hand. */
    static final class HandSource implements AgentMetrics.Source {
        volatile HealthReport health = HealthReport.HEALTHY;
        volatile boolean connected = true;
        volatile Duration sinceContact = Duration.ofMillis(1500);
        volatile int running = 2;

        @Override
        public String nodeName() {
            return "gpu-7";
        }

        @Override
        public List<Gpu> gpus() {
            return List.of(new Gpu(0, "GPU-a", "H100", 80L << 30, "00000000:18:00.0"),
                    new Gpu(1, "GPU-b", "H100", 80L << 30, "00000000:19:00.0"));
        }

        @Override
        public HealthReport health() {
            return health;
        }

        @Override
        public boolean connected() {
            return connected;
        }

        @Override
        public Duration sinceDaemonContact() {
            return sinceContact;
        }

        @Override
        public int runningJobs() {
            return running;
        }
    }

    static GpuSample read(int index, String uuid, double celsius, double watts, long ecc) {
        return new GpuSample(index, uuid, "", OptionalDouble.of(celsius), OptionalDouble.of(watts), OptionalLong.of(ecc),
                Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.empty(), List.of());
    }

    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as("series %s in%n%s", series, exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void each_gpu_shows_its_latest_readings_and_verdict() {
        HandSource node = new HandSource();
        node.health = new HealthReport(List.of("gpu 1: XID 79 (GPU has fallen off the bus)"), List.of(), List.of(
                new GpuStatus(0, "GPU-a", GpuStatus.State.OK, Optional.of(read(0, "GPU-a", 54, 310.5, 0)
                        .withUsage(OptionalDouble.of(87), OptionalLong.of(40L << 30))), List.of(), List.of()),
                new GpuStatus(1, "GPU-b", GpuStatus.State.FAILED, Optional.empty(), List.of(79, 31),
                        List.of("XID 79 (GPU has fallen off the bus)"))));
        String s = new AgentMetrics(node).scrape();

        assertThat(value(s, "rota_agent_gpu_temperature_celsius{gpu=\"0\",node=\"gpu-7\",uuid=\"GPU-a\"}"))
                .isEqualTo(54);
        assertThat(value(s, "rota_agent_gpu_power_watts{gpu=\"0\",node=\"gpu-7\",uuid=\"GPU-a\"}")).isEqualTo(310.5);
        assertThat(value(s, "rota_agent_gpu_ecc_uncorrected_errors{gpu=\"0\",node=\"gpu-7\",uuid=\"GPU-a\"}"))
                .isZero();
        assertThat(value(s, "rota_agent_gpu_utilization_ratio{gpu=\"0\",node=\"gpu-7\",uuid=\"GPU-a\"}"))
                .isEqualTo(0.87);
        assertThat(value(s, "rota_agent_gpu_memory_used_bytes{gpu=\"0\",node=\"gpu-7\",uuid=\"GPU-a\"}"))
                .isEqualTo(40.0 * (1L << 30));
        assertThat(s).as("GPU 1 was not read: no made-up temperature")
                .doesNotContain("rota_agent_gpu_temperature_celsius{gpu=\"1\"");
        assertThat(value(s, "rota_agent_gpu_xids{gpu=\"1\",node=\"gpu-7\",uuid=\"GPU-b\"}")).isEqualTo(2);
        assertThat(value(s, "rota_agent_gpu_health{gpu=\"1\",node=\"gpu-7\",state=\"failed\",uuid=\"GPU-b\"}"))
                .isEqualTo(1);
        assertThat(value(s, "rota_agent_gpu_health{gpu=\"1\",node=\"gpu-7\",state=\"ok\",uuid=\"GPU-b\"}")).isZero();
        assertThat(value(s, "rota_agent_healthy{node=\"gpu-7\"}")).isZero();
        assertThat(value(s, "rota_agent_health_faults{node=\"gpu-7\"}")).isEqualTo(1);
        assertThat(value(s, "rota_agent_jobs_running{node=\"gpu-7\"}")).isEqualTo(2);
        assertThat(value(s, "rota_agent_gpus{node=\"gpu-7\"}")).isEqualTo(2);
        assertThat(value(s, "rota_agent_daemon_contact_age_seconds{node=\"gpu-7\"}")).isEqualTo(1.5);
    }

    @Test
    void a_gpu_that_recovers_loses_its_failed_verdict_on_the_next_scrape() {
        HandSource node = new HandSource();
        node.health = new HealthReport(List.of("gpu 0: missing"), List.of(), List.of(
                new GpuStatus(0, "GPU-a", GpuStatus.State.MISSING, Optional.empty(), List.of(), List.of("missing"))));
        AgentMetrics metrics = new AgentMetrics(node);
        metrics.scrape();
        node.health = new HealthReport(List.of(), List.of(), List.of(
                new GpuStatus(0, "GPU-a", GpuStatus.State.OK, Optional.of(read(0, "GPU-a", 40, 90, 0)), List.of(),
                        List.of())));
        String s = metrics.scrape();
        assertThat(value(s, "rota_agent_gpu_health{gpu=\"0\",node=\"gpu-7\",state=\"missing\",uuid=\"GPU-a\"}"))
                .isZero();
        assertThat(value(s, "rota_agent_gpu_health{gpu=\"0\",node=\"gpu-7\",state=\"ok\",uuid=\"GPU-a\"}"))
                .isEqualTo(1);
        assertThat(value(s, "rota_agent_healthy{node=\"gpu-7\"}")).isEqualTo(1);
    }

    @Test
    void readyz_answers_503_until_the_daemon_answers() throws Exception {
        HandSource node = new HandSource();
        node.connected = false;
        AgentMetrics metrics = new AgentMetrics(node);
        try (AgentHttp http = new AgentHttp(new InetSocketAddress("127.0.0.1", 0), metrics::scrape,
                node::connected)) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + http.address().getPort();
            assertThat(get(client, base + "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(client, base + "/readyz").statusCode()).isEqualTo(503);
            node.connected = true;
            assertThat(get(client, base + "/readyz").statusCode()).isEqualTo(200);
            HttpResponse<String> m = get(client, base + "/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body()).contains("rota_agent_connected{node=\"gpu-7\"} 1.0")
                    .contains("# HELP rota_agent_daemon_contact_age_seconds ");
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
