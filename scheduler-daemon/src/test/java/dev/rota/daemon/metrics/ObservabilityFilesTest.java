package dev.rota.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Duration;
import dev.rota.agent.AgentConfig;
import dev.rota.agent.NodeAgent;
import dev.rota.agent.gpu.FakeGpuInventory;
import dev.rota.agent.gpu.Gpu;
import dev.rota.agent.health.GpuSample;
import dev.rota.agent.health.GpuStatus;
import dev.rota.agent.health.HealthReport;
import dev.rota.agent.metrics.AgentMetrics;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.SubmitJobRequest;
import dev.rota.core.engine.EngineConfig;
import dev.rota.core.job.JobState;
import dev.rota.daemon.Daemon;
import dev.rota.daemon.HostPort;
import dev.rota.daemon.api.CallerIdentity;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files operators install next to Rota (packaging/prometheus/rota-alerts.yml,
 * packaging/grafana/rota-cluster.json) against real expositions: a daemon with one in-process agent,
 * one job running and one pending. {@code promtool} (Debian's {@code prometheus} package, which
 * {@code .ci/run} installs) checks the rules and both expositions; where it is absent the promtool
 * checks are skipped, not passed.
 */
class ObservabilityFilesTest {
    private static final Path ROOT = Path.of(System.getProperty("rota.root", "..")).toAbsolutePath().normalize();
    private static final Path RULES = ROOT.resolve("packaging/prometheus/rota-alerts.yml");
    private static final Path DASHBOARD = ROOT.resolve("packaging/grafana/rota-cluster.json");

    @TempDir
    static Path dir;
    private static Daemon daemon;
    private static NodeAgent agent;
    private static ManagedChannel channel;
    private static String daemonExposition;
    private static String agentExposition;

    @BeforeAll
    static void cluster() throws Exception {
        daemon = Daemon.start(new Daemon.Config(dir.resolve("rotad"), HostPort.parse("127.0.0.1:0"),
                HostPort.parse("127.0.0.1:0"), EngineConfig.defaults()));
        String target = "127.0.0.1:" + daemon.grpcAddress().getPort();
        agent = NodeAgent.start(AgentConfig.of("gpu-1", target, dir.resolve("spool"),
                new FakeGpuInventory("gpu-1", 8, "H100")));
        assertThat(daemon.await(s -> s.node("gpu-1").map(n -> n.connected()).orElse(false),
                java.time.Duration.ofSeconds(30))).isPresent();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", daemon.grpcAddress().getPort()).usePlaintext().build();
        Metadata h = new Metadata();
        h.put(CallerIdentity.USER_HEADER, "alice");
        JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h)).withDeadlineAfter(10, TimeUnit.SECONDS);
        JobSpec spec = JobSpec.newBuilder().setName("train").setAccount("physics").setNodes(1).setGpusPerNode(8)
                .setTimeLimit(Duration.newBuilder().setSeconds(600)).setScript("#!/bin/bash\nsleep 60\n")
                .setWorkingDir(dir.toString()).build();
        jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
        jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
        assertThat(daemon.await(s -> s.jobs().values().stream().anyMatch(j -> j.state() == JobState.RUNNING),
                java.time.Duration.ofSeconds(30))).isPresent();

        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        daemonExposition = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + daemon.metricsAddress().getPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        agentExposition = new AgentMetrics(readGpusOf(agent)).scrape();
    }

    /**
     * The real agent, its fake GPUs read as nvidia-smi would read them (fake GPUs have no readings):
     * GPU 0 healthy and warm, GPU 1 failed with an XID.
     */
    private static AgentMetrics.Source readGpusOf(NodeAgent agent) {
        AgentMetrics.Source real = AgentMetrics.Source.of(agent);
        List<Gpu> gpus = agent.gpus();
        GpuSample warm = new GpuSample(0, gpus.get(0).uuid(), "", OptionalDouble.of(61), OptionalDouble.of(412.5),
                OptionalLong.of(0), Optional.empty(), Optional.of(false), Optional.of(false), OptionalLong.of(0),
                List.of()).withUsage(OptionalDouble.of(97), OptionalLong.of(70L << 30));
        HealthReport report = new HealthReport(List.of("gpu 1: XID 79 (GPU has fallen off the bus)"), List.of(),
                List.of(new GpuStatus(0, gpus.get(0).uuid(), GpuStatus.State.OK, Optional.of(warm), List.of(), List.of()),
                        new GpuStatus(1, gpus.get(1).uuid(), GpuStatus.State.FAILED, Optional.empty(), List.of(79),
                                List.of("XID 79 (GPU has fallen off the bus)"))));
        return new AgentMetrics.Source() {
            @Override
            public String nodeName() {
                return real.nodeName();
            }

            @Override
            public List<Gpu> gpus() {
                return real.gpus();
            }

            @Override
            public HealthReport health() {
                return report;
            }

            @Override
            public boolean connected() {
                return real.connected();
            }

            @Override
            public java.time.Duration sinceDaemonContact() {
                return real.sinceDaemonContact();
            }

            @Override
            public int runningJobs() {
                return real.runningJobs();
            }
        };
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (agent != null) {
            agent.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void the_alert_rules_pass_promtool() throws Exception {
        Result r = promtool(null, "check", "rules", RULES.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void the_daemon_exposition_passes_promtool_check_metrics() throws Exception {
        Result r = promtool(daemonExposition, "check", "metrics");
        assertThat(r.exit()).as("%s%n%s", r.output(), daemonExposition).isZero();
        assertThat(r.output()).isBlank();
    }

    @Test
    void the_agent_exposition_passes_promtool_check_metrics() throws Exception {
        Result r = promtool(agentExposition, "check", "metrics");
        assertThat(r.exit()).as("%s%n%s", r.output(), agentExposition).isZero();
        assertThat(r.output()).isBlank();
    }

    @Test
    void every_rota_metric_the_dashboard_and_the_rules_name_is_exported() throws IOException {
        Set<String> named = new TreeSet<>();
        for (Path file : List.of(RULES, DASHBOARD)) {
            Matcher m = Pattern.compile("\\brota_[a-z0-9_]+").matcher(Files.readString(file));
            while (m.find()) {
                named.add(m.group());
            }
        }
        assertThat(named).as("the files name metrics at all").hasSizeGreaterThan(20);
        Set<String> exported = new TreeSet<>();
        for (String exposition : List.of(daemonExposition, agentExposition)) {
            Matcher m = Pattern.compile("(?m)^(rota_[a-z0-9_]+)[{ ]").matcher(exposition);
            while (m.find()) {
                exported.add(m.group(1));
            }
        }
        assertThat(exported).containsAll(named);
    }

    @Test
    void every_exported_rota_metric_is_documented() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/metrics.md"));
        Set<String> undocumented = new TreeSet<>();
        for (String exposition : List.of(daemonExposition, agentExposition)) {
            Matcher m = Pattern.compile("(?m)^# TYPE (rota_[a-z0-9_]+) (\\w+)").matcher(exposition);
            while (m.find()) {
                String name = m.group(1);
                // Micrometer adds a _max gauge to every timer; the timer's entry covers it.
                String base = name.endsWith("_max") ? name.substring(0, name.length() - 4) : name;
                if (!doc.contains("`" + name + "`") && !doc.contains("`" + base + "`")) {
                    undocumented.add(name);
                }
            }
        }
        assertThat(undocumented).isEmpty();
    }

    private record Result(int exit, String output) {
    }

    /** Runs promtool with {@code stdin} (or none); skips the test where promtool is not installed. */
    private static Result promtool(String stdin, String... args) throws IOException, InterruptedException {
        Optional<Path> promtool = onPath("promtool");
        assumeTrue(promtool.isPresent(), "promtool is not on PATH: install Debian's prometheus package "
                + "(apt-get install prometheus; .ci/run does) to run this check");
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(promtool.get().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Path in = null;
        if (stdin != null) {
            in = Files.createTempFile(dir, "exposition", ".txt");
            Files.writeString(in, stdin);
            pb.redirectInput(in.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
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
