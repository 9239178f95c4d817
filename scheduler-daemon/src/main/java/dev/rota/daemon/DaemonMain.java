package dev.rota.daemon;

import dev.rota.core.engine.EngineConfig;
import dev.rota.core.policy.PolicyFile;
import dev.rota.core.topology.TopologyFile;
import dev.rota.daemon.standalone.Standalone;
import dev.rota.daemon.store.StoreFailure;
import dev.rota.logging.LogFormat;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rotad}: the central daemon, or with {@code --standalone} a whole cluster in one process. */
@Command(name = "rotad", mixinStandardHelpOptions = true, version = "rotad 0.1.0",
        description = "The Rota scheduler daemon. With --standalone it also runs local agents (fake GPUs when no "
                + "nvidia-smi is found), so one command gives a working cluster.")
public final class DaemonMain implements Callable<Integer> {

    @Option(names = "--standalone", description = "Run the daemon plus --nodes in-process agents.")
    boolean standalone;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7070",
            description = "gRPC address (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7071",
            description = "HTTP address for /metrics, /healthz, /readyz (default: ${DEFAULT-VALUE}).")
    String metricsListen;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where state lives (default: $XDG_DATA_HOME/rota, else ~/.local/share/rota).")
    Path dataDir;

    @Option(names = "--nodes", paramLabel = "N", description = "Standalone: number of local agents (default: 2, "
            + "or 1 when real GPUs are found).")
    Integer nodes;

    @Option(names = "--fake-gpus", paramLabel = "N", description = "Standalone: fake GPUs per node (default: 8 "
            + "when no nvidia-smi is found).")
    Integer fakeGpus;

    @Option(names = "--gpu-model", paramLabel = "NAME", defaultValue = "Fake-H100",
            description = "Standalone: model name of fake GPUs (default: ${DEFAULT-VALUE}).")
    String gpuModel;

    @Option(names = "--kill-grace", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds between SIGTERM and SIGKILL on cancel and timeout (default: ${DEFAULT-VALUE}).")
    int killGraceSeconds;

    @Option(names = "--cancel-unsatisfiable-dependencies",
            description = "Cancel a job whose --dependency can never be met (say afterok on a job that failed) "
                    + "instead of leaving it pending with reason DependencyNeverSatisfied (Slurm's "
                    + "kill_invalid_depend).")
    boolean cancelUnsatisfiable;

    @Option(names = "--node-down-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds a node's agent may be away before the node is DOWN and its jobs are requeued or "
                    + "failed; also how long agents get to report their jobs after a restart (default: "
                    + "${DEFAULT-VALUE}).")
    int nodeDownTimeoutSeconds;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Accounts, users, QoS and priority weights (docs/policy.md). Without it every user "
                    + "charges the account 'default' and may name any account.")
    Path policyFile;

    @Option(names = "--topology", paramLabel = "FILE",
            description = "The network: leaf switches, NVLink blocks and spines in Slurm topology.conf syntax "
                    + "(docs/placement.md). Without it placement knows no switches and packs by node name.")
    Path topologyFile;

    @Option(names = "--history-retention-days", paramLabel = "DAYS", defaultValue = "30",
            description = "How long finished jobs stay queryable with `rota history` (default: ${DEFAULT-VALUE}).")
    int historyRetentionDays;

    @Option(names = "--audit-retention-days", paramLabel = "DAYS", defaultValue = "365",
            description = "How long cancels, drains, resumes and backups stay in `rota audit` (default: "
                    + "${DEFAULT-VALUE}).")
    int auditRetentionDays;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:ROTA_LOG_FORMAT:-text}",
            description = "Log lines on stderr as text, or as one JSON object per line (docs/operations.md) "
                    + "(default: $ROTA_LOG_FORMAT, else ${DEFAULT-VALUE}).")
    String logFormat;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * SIGHUP (systemctl reload rotad) re-reads the policy file: a valid one replaces the engine's
     * policy at its next step; an invalid one is logged problem by problem and the running policy
     * stays. Runs on the JVM's signal thread; the engine is reached only through its queue.
     */
    private static void reloadOnHangup(Daemon daemon, Path file) {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(DaemonMain.class.getName());
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                try {
                    var next = PolicyFile.parse(java.nio.file.Files.readString(file), file.toString());
                    daemon.reloadPolicy(next).whenComplete((v, e) -> {
                        if (e != null) {
                            log.severe("policy from " + file + " not applied: " + e.getMessage());
                        } else {
                            log.info("policy reloaded from " + file);
                        }
                    });
                } catch (java.io.IOException e) {
                    log.severe("cannot read the policy file " + file + ": " + e.getMessage() + "; keeping the "
                            + "running policy");
                } catch (PolicyFile.InvalidPolicyException e) {
                    log.severe("the policy file is invalid; keeping the running policy:\n  "
                            + String.join("\n  ", e.problems()));
                }
            });
        } catch (IllegalArgumentException e) {
            log.warning("SIGHUP cannot be handled on this platform; restart rotad to change the policy");
        }
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        System.exit(new CommandLine(new DaemonMain()).execute(args));
    }

    @Override
    public Integer call() {
        PrintStream out = spec.commandLine().getOut() == null ? System.out : new PrintStream(System.out, true);
        try {
            LogFormat.parse(logFormat).install();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--log-format: " + e.getMessage());
        }
        HostPort grpc;
        HostPort http;
        try {
            grpc = HostPort.parse(listen);
            http = HostPort.parse(metricsListen);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!standalone && (nodes != null || fakeGpus != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--nodes and --fake-gpus only apply with --standalone");
        }
        if (nodes != null && (nodes < 1 || nodes > 64)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be between 1 and 64");
        }
        if (fakeGpus != null && (fakeGpus < 0 || fakeGpus > 64)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fake-gpus must be between 0 and 64");
        }
        if (nodeDownTimeoutSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--node-down-timeout must be at least 1");
        }
        if (killGraceSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--kill-grace must not be negative");
        }
        Path data = dataDir != null ? dataDir.toAbsolutePath() : defaultDataDir();
        EngineConfig engine = EngineConfig.defaults().withKillGrace(java.time.Duration.ofSeconds(killGraceSeconds))
                .withNodeDownTimeout(java.time.Duration.ofSeconds(nodeDownTimeoutSeconds))
                .withCancelUnsatisfiable(cancelUnsatisfiable);
        if (policyFile != null) {
            try {
                engine = engine.withPolicy(PolicyFile.parse(java.nio.file.Files.readString(policyFile),
                        policyFile.toString()));
            } catch (java.io.IOException e) {
                System.err.println("rotad: cannot read the policy file " + policyFile + ": " + e.getMessage());
                return 2;
            } catch (PolicyFile.InvalidPolicyException e) {
                System.err.println("rotad: the policy file is invalid; nothing was started:");
                e.problems().forEach(p -> System.err.println("  " + p));
                return 2;
            }
        }
        if (topologyFile != null) {
            try {
                engine = engine.withTopology(TopologyFile.parse(java.nio.file.Files.readString(topologyFile),
                        topologyFile.toString()));
            } catch (java.io.IOException e) {
                System.err.println("rotad: cannot read the topology file " + topologyFile + ": " + e.getMessage());
                return 2;
            } catch (TopologyFile.InvalidTopologyException e) {
                System.err.println("rotad: the topology file is invalid; nothing was started:");
                e.problems().forEach(p -> System.err.println("  " + p));
                return 2;
            }
        }
        if (historyRetentionDays < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--history-retention-days must be at least 1");
        }
        if (auditRetentionDays < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--audit-retention-days must be at least 1");
        }
        Daemon.Config config = new Daemon.Config(data, grpc, http, engine)
                .withHistoryRetention(java.time.Duration.ofDays(historyRetentionDays))
                .withAuditRetention(java.time.Duration.ofDays(auditRetentionDays));
        CountDownLatch stopped = new CountDownLatch(1);
        AutoCloseable running;
        try {
            if (standalone) {
                Standalone cluster = Standalone.start(config, nodes, fakeGpus, gpuModel);
                out.print(cluster.describe());
                running = cluster;
            } else {
                Daemon daemon = Daemon.start(config);
                out.printf("rotad 0.1.0 serving gRPC on %s, metrics on http://%s/metrics, data in %s%n",
                        hostPort(daemon.grpcAddress()), hostPort(daemon.metricsAddress()), data);
                running = daemon;
                if (policyFile != null) {
                    reloadOnHangup(daemon, policyFile);
                }
            }
        } catch (StoreFailure | UncheckedIOException e) {
            System.err.println("rotad: " + e.getMessage());
            return 1;
        }
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("rotad: error while stopping: " + e.getMessage());
            }
            System.err.println("rotad: stopped");
            stopped.countDown();
        }, "rota-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static String hostPort(java.net.InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** {@code $XDG_DATA_HOME/rota}, else {@code ~/.local/share/rota}. */
    static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "rota");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "rota");
    }
}
