package dev.rota.agent;

import dev.rota.agent.exec.AdminScript;
import dev.rota.agent.exec.ExecutionSettings;
import dev.rota.agent.exec.JobCgroups;
import dev.rota.agent.exec.JobSupervisor;
import dev.rota.agent.exec.RunAs;
import dev.rota.agent.gpu.GpuInventories;
import dev.rota.agent.gpu.GpuInventory;
import dev.rota.agent.health.DmesgKernelLog;
import dev.rota.agent.health.HealthCheckProgram;
import dev.rota.agent.health.HealthMonitor;
import dev.rota.agent.health.HealthPolicy;
import dev.rota.agent.health.HealthSettings;
import dev.rota.agent.metrics.AgentHttp;
import dev.rota.agent.metrics.AgentMetrics;
import dev.rota.logging.LogFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rota-agent}: runs a {@link NodeAgent} until SIGTERM or SIGINT. Prints one line saying the
 * node name, the step address and the GPUs; logs go to stderr. Exit status 2 on usage errors.
 */
@Command(name = "rota-agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
        description = "The Rota node agent: runs jobs and srun tasks on this host for rotad.")
public final class AgentMain implements Callable<Integer> {

    /** A parsed {@code HOST:PORT}. */
    record HostPort(String host, int port) {
        static HostPort parse(String s) {
            String v = s.strip();
            int colon = v.lastIndexOf(':');
            if (colon <= 0 || colon == v.length() - 1) {
                throw new CommandLine.TypeConversionException("expected HOST:PORT, got '" + s + "'");
            }
            String host = v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(v.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("bad port in '" + s + "'");
            }
            if (port < 0 || port > 65535) {
                throw new CommandLine.TypeConversionException("port out of range in '" + s + "'");
            }
            return new HostPort(host, port);
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    @Option(names = "--name", paramLabel = "NAME", description = "Node name (default: short host name).")
    String name;

    @Option(names = "--daemon", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            defaultValue = "${env:ROTA_DAEMON:-127.0.0.1:7070}",
            description = "rotad's agent endpoint (default: $ROTA_DAEMON or ${DEFAULT-VALUE}).")
    HostPort daemon;

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            defaultValue = "127.0.0.1:0", description = "Where srun reaches this agent; port 0 picks one (default: ${DEFAULT-VALUE}).")
    HostPort listen;

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            defaultValue = "127.0.0.1:0",
            description = "HTTP address for /metrics, /healthz, /readyz; port 0 picks one, printed at start "
                    + "(default: ${DEFAULT-VALUE}; give a fixed port, reachable by Prometheus, on a real host).")
    HostPort metricsListen;

    @Option(names = "--fake-gpus", paramLabel = "N", description = "Pretend to have N GPUs instead of asking nvidia-smi.")
    Integer fakeGpus;

    @Option(names = "--gpu-model", paramLabel = "NAME", defaultValue = GpuInventories.DEFAULT_FAKE_MODEL,
            description = "Model name of fake GPUs (default: ${DEFAULT-VALUE}).")
    String gpuModel;

    @Option(names = "--spool-dir", paramLabel = "DIR",
            description = "Where job scripts go (default: $XDG_RUNTIME_DIR or /tmp, then /rota-agent-NAME).")
    Path spoolDir;

    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "5",
            description = "Seconds between heartbeats (default: ${DEFAULT-VALUE}).")
    double heartbeatSeconds;

    @Option(names = "--health-interval", paramLabel = "SECONDS",
            defaultValue = "" + HealthMonitor.DEFAULT_INTERVAL_SECONDS,
            description = "Seconds between GPU health polls (nvidia-smi and kernel-log XIDs) (default: ${DEFAULT-VALUE}).")
    double healthIntervalSeconds;

    @Option(names = "--fatal-xids", paramLabel = "N,...", split = ",", defaultValue = "48,62,63,64,74,79,94,95",
            description = "XIDs that drain the node; other XIDs are warnings (default: ${DEFAULT-VALUE}).")
    Set<Integer> fatalXids;

    @Option(names = "--gpu-temperature-warning", paramLabel = "CELSIUS", defaultValue = "85",
            description = "Report a GPU hotter than this; never drains (default: ${DEFAULT-VALUE}).")
    double maxTemperatureC;

    @Option(names = "--health-check-program", paramLabel = "PATH",
            description = "Admin health check run every --health-check-interval; a non-zero exit or a timeout "
                    + "drains the node with its first output line as the reason.")
    Path healthCheckProgram;

    @Option(names = "--health-check-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds between health check runs (default: ${DEFAULT-VALUE}).")
    double healthCheckIntervalSeconds;

    @Option(names = "--health-check-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds a health check run may take before it is killed and the node drained "
                    + "(default: ${DEFAULT-VALUE}).")
    double healthCheckTimeoutSeconds;

    @Option(names = "--prolog", paramLabel = "PATH",
            description = "Admin prolog, run on each node of a job before it starts there, with SLURM_JOB_ID, "
                    + "SLURM_JOB_USER, SLURM_JOB_NODELIST, ... in its environment. A non-zero exit or a timeout "
                    + "requeues the job and drains the node with the reason.")
    Path prolog;

    @Option(names = "--prolog-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds the prolog may run before it is killed and counted as failed (default: ${DEFAULT-VALUE}).")
    double prologTimeoutSeconds;

    @Option(names = "--epilog", paramLabel = "PATH",
            description = "Admin epilog, run on each node of a job once its processes there are gone. A non-zero "
                    + "exit or a timeout drains the node with the reason.")
    Path epilog;

    @Option(names = "--epilog-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds the epilog may run before it is killed and counted as failed (default: ${DEFAULT-VALUE}).")
    double epilogTimeoutSeconds;

    @Option(names = "--allow-root-jobs",
            description = "Let jobs run as root: jobs submitted by root (agent as root), or every job (agent as root "
                    + "with --jobs-as-agent-user). Refused by default.")
    boolean allowRootJobs;

    @Option(names = "--jobs-as-agent-user",
            description = "Run every job as the agent's own user, whoever submitted it (for tests and single-user "
                    + "hosts). Default: an agent running as root runs each job as its submitter.")
    boolean jobsAsAgentUser;

    @Option(names = "--cgroup-root", paramLabel = "DIR", defaultValue = "/sys/fs/cgroup",
            description = "The cgroup v2 mount (default: ${DEFAULT-VALUE}).")
    Path cgroupRoot;

    @Option(names = "--cgroup-parent", paramLabel = "PATH", defaultValue = JobCgroups.DEFAULT_PARENT,
            description = "The cgroup, relative to --cgroup-root, under which each job gets its own "
                    + "(default: ${DEFAULT-VALUE}).")
    String cgroupParent;

    @Option(names = "--no-cgroups",
            description = "Make no job cgroups: --mem and --cpus-per-task are not enforced.")
    boolean noCgroups;

    @Option(names = "--keep-jobs-on-exit",
            description = "Leave running jobs alone when the agent stops (default: kill them); the next agent on "
                    + "the same --spool-dir re-adopts them and reports their exits.")
    boolean keepJobs;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:ROTA_LOG_FORMAT:-text}",
            description = "Log lines on stderr as text, or as one JSON object per line "
                    + "(default: $ROTA_LOG_FORMAT, else ${DEFAULT-VALUE}).")
    String logFormat;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;
    private final CountDownLatch stopped = new CountDownLatch(1);

    AgentMain(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        System.exit(commandLine(System.getenv()).execute(args));
    }

    static CommandLine commandLine(Map<String, String> env) {
        return new CommandLine(new AgentMain(env))
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("rota-agent: error: " + e.getMessage());
                    return 1;
                });
    }

    /** The agent's configuration from the options; throws ParameterException on bad values. */
    AgentConfig config() {
        String node = name != null ? name : shortHostName();
        if (node.isBlank() || node.contains(",") || node.contains("=")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--name must be non-blank without ',' or '=': '" + node + "'");
        }
        if (fakeGpus != null && fakeGpus < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fake-gpus must be >= 0, was " + fakeGpus);
        }
        if (!(heartbeatSeconds > 0) || heartbeatSeconds > 3600) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--heartbeat must be between 0 and 3600 seconds, was " + heartbeatSeconds);
        }
        Path spool = spoolDir != null ? spoolDir
                : Path.of(env.getOrDefault("XDG_RUNTIME_DIR", "/tmp"), "rota-agent-" + node);
        GpuInventory gpus = GpuInventories.detect(node,
                fakeGpus == null ? OptionalInt.empty() : OptionalInt.of(fakeGpus), gpuModel,
                env.get("PATH"));
        return new AgentConfig(node, daemon.toString(), listen.host(), listen.port(), spool, gpus,
                Duration.ofMillis(Math.round(heartbeatSeconds * 1000)), !keepJobs, health(), execution());
    }

    private ExecutionSettings execution() {
        boolean root = JobSupervisor.AGENT_UID == 0;
        RunAs runAs = root && !jobsAsAgentUser ? RunAs.SUBMITTER : RunAs.AGENT_USER;
        return new ExecutionSettings(adminScript("prolog", prolog, prologTimeoutSeconds),
                adminScript("epilog", epilog, epilogTimeoutSeconds), runAs, allowRootJobs,
                noCgroups ? Optional.empty() : Optional.of(new ExecutionSettings.Cgroups(cgroupRoot, cgroupParent)));
    }

    private Optional<AdminScript> adminScript(String kind, Path program, double timeoutSeconds) {
        Duration timeout = seconds("--" + kind + "-timeout", timeoutSeconds);
        if (program == null) {
            return Optional.empty();
        }
        Path p = program.toAbsolutePath();
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--" + kind + " " + program + " is not an executable file");
        }
        return Optional.of(new AdminScript(kind, p, timeout));
    }

    /** The log format from {@code --log-format} (or {@code ROTA_LOG_FORMAT}); throws ParameterException on a bad name. */
    LogFormat logFormat() {
        try {
            return LogFormat.parse(logFormat);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--log-format: " + e.getMessage());
        }
    }

    private HealthSettings health() {
        Duration interval = seconds("--health-interval", healthIntervalSeconds);
        for (int xid : fatalXids) {
            if (xid <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--fatal-xids must be positive, was " + xid);
            }
        }
        if (!(maxTemperatureC > 0) || maxTemperatureC > 200) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--gpu-temperature-warning must be between 0 and 200, was " + maxTemperatureC);
        }
        Optional<HealthCheckProgram> check = Optional.empty();
        if (healthCheckProgram != null) {
            Path program = healthCheckProgram.toAbsolutePath();
            if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--health-check-program " + healthCheckProgram + " is not an executable file");
            }
            check = Optional.of(new HealthCheckProgram(program,
                    seconds("--health-check-interval", healthCheckIntervalSeconds),
                    seconds("--health-check-timeout", healthCheckTimeoutSeconds)));
        }
        HealthPolicy policy = HealthPolicy.defaults().withFatalXids(new TreeSet<>(fatalXids))
                .withMaxTemperatureC(maxTemperatureC);
        return new HealthSettings(interval, policy, Optional.of(DmesgKernelLog.onPath(env.get("PATH"))), check);
    }

    private Duration seconds(String option, double value) {
        if (!(value > 0) || value > 86400) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " must be between 0 and 86400 seconds, was " + value);
        }
        return Duration.ofMillis(Math.max(1, Math.round(value * 1000)));
    }

    @Override
    public Integer call() throws InterruptedException {
        logFormat().install();
        AgentConfig config = config();
        NodeAgent agent = NodeAgent.start(config);
        AgentHttp http;
        try {
            AgentMetrics metrics = new AgentMetrics(AgentMetrics.Source.of(agent));
            http = new AgentHttp(new InetSocketAddress(metricsListen.host(), metricsListen.port()), metrics::scrape,
                    // Ready: registered with the daemon (the GPUs were discovered before the agent started).
                    agent::connected);
        } catch (IOException e) {
            agent.close();
            throw new UncheckedIOException("cannot listen on " + metricsListen + " for metrics: " + e.getMessage()
                    + " (use --metrics-listen)", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.close();
            agent.close();
            stopped.countDown();
        }, "rota-agent-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        InetSocketAddress m = http.address();
        out.println("rota-agent " + agent.nodeName() + ": steps on " + agent.address() + ", "
                + agent.gpus().size() + " GPUs (" + config.gpus().describe()
                + (agent.gpus().isEmpty() ? "" : ", " + agent.gpus().getFirst().model()) + "), rotad at "
                + config.daemonTarget() + ", metrics on http://" + new HostPort(m.getAddress().getHostAddress(),
                        m.getPort()) + "/metrics");
        out.flush();
        stopped.await();
        return 0;
    }

    static String shortHostName() {
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            h = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        int dot = h.indexOf('.');
        return dot > 0 ? h.substring(0, dot) : h;
    }

    static final class HostPortConverter implements CommandLine.ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            return HostPort.parse(value);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"rota-agent " + NodeAgent.VERSION};
        }
    }
}
