package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rota.api.v1.JobState;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics as an operator sees them: a real Prometheus server on loopback scrapes a real rotad and
 * two rota-agents every second, a few jobs run, and what Prometheus answers over its HTTP API agrees
 * with what {@code rota nodes --json} and {@code rota queue --json --all} report; what the daemon and
 * an agent serve passes {@code promtool check metrics}.
 *
 * <p>Needs the {@code prometheus} binary (Debian's {@code prometheus} package, which {@code .ci/run}
 * installs); skipped, with that said, where it is absent.
 */
class RotaPrometheusIT {
    private static final Duration SOON = Duration.ofSeconds(60);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)");
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void prometheus_sees_the_gpus_and_jobs_the_cli_reports(@TempDir Path dir) throws Exception {
        Optional<Path> prometheus = onPath("prometheus");
        assumeTrue(prometheus.isPresent(), "the prometheus binary is not on PATH: install Debian's prometheus "
                + "package (apt-get install prometheus; .ci/run does) to run this test");
        int agentA = freePort();
        int agentB = freePort();
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon()
                    .startAgentWith("gpu-a", Map.of(), "--fake-gpus", "8", "--metrics-listen", "127.0.0.1:" + agentA)
                    .startAgentWith("gpu-b", Map.of(), "--fake-gpus", "8", "--metrics-listen", "127.0.0.1:" + agentB);
            int port = freePort();
            Process server = startPrometheus(prometheus.get(), dir, port, "127.0.0.1:" + cluster.metricsPort,
                    List.of("127.0.0.1:" + agentA, "127.0.0.1:" + agentB));
            try {
                String api = "http://127.0.0.1:" + port;
                Path work = Files.createDirectories(dir.resolve("work"));
                List<Long> quick = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    quick.add(submit(cluster, work, "-N", "1", "--gpus-per-node", "2", "-t", "1:00", "--wrap", "true"));
                }
                quick.add(submit(cluster, work, "-N", "1", "--gpus-per-node", "2", "-t", "1:00", "--wrap", "exit 3"));
                for (long id : quick) {
                    cluster.awaitJob(id, "to end", SOON, j -> j.getState().getNumber() > JobState.JOB_STATE_RUNNING_VALUE);
                }
                long running = submit(cluster, work, "-N", "2", "--gpus-per-node", "3", "-t", "10:00", "--wrap",
                        "sleep 300");
                cluster.awaitState(running, JobState.JOB_STATE_RUNNING, SOON);
                long blocked = submit(cluster, work, "-N", "2", "--gpus-per-node", "8", "-t", "1:00", "--wrap", "true");
                cluster.awaitJob(blocked, "to be pending with a reason", SOON,
                        j -> j.getState() == JobState.JOB_STATE_PENDING && !j.getReason().isEmpty());

                String nodes = cli(cluster, work, "nodes", "--json");
                String queue = cli(cluster, work, "queue", "--all", "--json");
                int total = sum(nodes, "gpus_total");
                int allocated = sum(nodes, "gpus_allocated");
                assertThat(total).as("two nodes of 8 fake GPUs: %s", nodes).isEqualTo(16);
                assertThat(allocated).as("the running job's 3 + 3 GPUs: %s", nodes).isEqualTo(6);

                // The cluster is quiet now: Prometheus must converge on the CLI's numbers within a few scrapes.
                awaitQuery(api, "sum(rota_gpus{state=\"allocated\"})", allocated);
                awaitQuery(api, "sum(rota_gpus{state=\"idle\"})", total - allocated);
                awaitQuery(api, "sum(rota_gpus)", total);
                awaitQuery(api, "sum(rota_nodes{state=\"mixed\"})", count(nodes, "state", "MIXED"));
                awaitQuery(api, "sum(rota_jobs{state=\"running\"})", count(queue, "state", "RUNNING"));
                awaitQuery(api, "sum(rota_jobs{state=\"pending\"})", count(queue, "state", "PENDING"));
                awaitQuery(api, "sum(rota_job_ends_total{state=\"completed\"})", count(queue, "state", "COMPLETED"));
                awaitQuery(api, "sum(rota_job_ends_total{state=\"failed\"})", count(queue, "state", "FAILED"));
                awaitQuery(api, "sum(rota_job_starts_total)", sum(queue, "attempts"));
                awaitQuery(api, "sum(rota_job_submissions_total{outcome=\"accepted\"})", 6);
                awaitQuery(api, "sum(rota_queue_wait_seconds_count)", sum(queue, "attempts"));
                // Agents: both up and connected; each runs its part of the one running job.
                awaitQuery(api, "count(up{job=\"rota-agent\"} == 1)", 2);
                awaitQuery(api, "sum(rota_agent_connected)", 2);
                awaitQuery(api, "sum(rota_agent_jobs_running)", runningJobSlots(nodes));
                awaitQuery(api, "sum(rota_agent_gpus)", total);
                awaitQuery(api, "up{job=\"rotad\"}", 1);

                // What the real processes serve (their JVM meters included) passes promtool's lint too.
                Optional<Path> promtool = onPath("promtool");
                if (promtool.isPresent()) {
                    for (String target : List.of("127.0.0.1:" + cluster.metricsPort, "127.0.0.1:" + agentA)) {
                        Path exposition = dir.resolve("exposition-" + target.replace(':', '-') + ".txt");
                        Files.writeString(exposition, http.send(HttpRequest.newBuilder(URI.create("http://" + target
                                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body());
                        Process check = new ProcessBuilder(promtool.get().toString(), "check", "metrics")
                                .redirectInput(exposition.toFile()).redirectErrorStream(true).start();
                        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
                        assertThat(check.exitValue()).as("promtool check metrics on %s: %s", target, out).isZero();
                    }
                }
            } finally {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        }
    }

    private Process startPrometheus(Path binary, Path dir, int port, String daemon, List<String> agents)
            throws IOException, InterruptedException {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: rotad
                    static_configs:
                      - targets: ["%s"]
                  - job_name: rota-agent
                    static_configs:
                      - targets: [%s]
                """.formatted(daemon, String.join(", ", agents.stream().map(a -> "\"" + a + "\"").toList())));
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Instant deadline = Instant.now().plus(SOON);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                p.destroyForcibly();
                throw new AssertionError("prometheus did not become ready:\n" + Files.readString(log));
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Polls an instant query until its single value is {@code expected}; fails with the last answer. */
    private void awaitQuery(String api, String query, double expected) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            last = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                    + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            OptionalDouble v = single(last);
            if (v.isPresent() && v.getAsDouble() == expected) {
                return;
            }
            // Polling a remote process; the next scrape is at most a second away.
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new AssertionError("Prometheus query " + query + " did not reach " + expected + "; last answer: " + last);
    }

    private static OptionalDouble single(String answer) {
        Matcher m = VALUE.matcher(answer);
        if (!m.find()) {
            return OptionalDouble.empty();
        }
        double v = Double.parseDouble(m.group(1));
        return m.find() ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    private static long submit(RotaProcesses cluster, Path work, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "submit";
        System.arraycopy(args, 0, all, 1, args.length);
        RotaProcesses.Result r = cluster.rota(work, all);
        assertThat(r.exit()).as("rota submit: %s", r).isZero();
        Matcher m = SUBMITTED.matcher(r.out());
        assertThat(m.find()).as("submit output: %s", r).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String cli(RotaProcesses cluster, Path work, String... args) {
        RotaProcesses.Result r = cluster.rota(work, args);
        assertThat(r.exit()).as("rota %s: %s", String.join(" ", args), r).isZero();
        return r.out();
    }

    /** The sum of every integer field {@code field} in a JSON document. */
    private static int sum(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        int total = 0;
        while (m.find()) {
            total += Integer.parseInt(m.group(1));
        }
        return total;
    }

    /** How many string fields {@code field} in a JSON document equal {@code value}. */
    private static int count(String json, String field, String value) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"" + value + "\"").matcher(json);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Jobs running, counted once per node they run on ({@code running_job_ids} of every node). */
    private static int runningJobSlots(String nodesJson) {
        Matcher m = Pattern.compile("\"running_job_ids\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(nodesJson);
        int n = 0;
        while (m.find()) {
            String ids = m.group(1).strip();
            n += ids.isEmpty() ? 0 : ids.split(",").length;
        }
        return n;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Path> onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
