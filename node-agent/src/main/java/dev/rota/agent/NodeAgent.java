package dev.rota.agent;

import dev.rota.agent.energy.PowerSample;
import dev.rota.agent.exec.JobSupervisor;
import dev.rota.agent.gpu.Gpu;
import dev.rota.agent.gpu.GpuInventories;
import dev.rota.agent.gpu.NvidiaSmiInventory;
import dev.rota.agent.health.GpuHealthSource;
import dev.rota.agent.health.HealthMonitor;
import dev.rota.agent.health.HealthReport;
import dev.rota.agent.health.KernelLog;
import dev.rota.agent.health.NvidiaSmiHealth;
import dev.rota.agent.link.DaemonLink;
import dev.rota.agent.step.StepServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * One running node agent: the StepService srun talks to, the job supervisor, the health monitor, and
 * the link to rotad. Holds no static state, so a process may run several (rotad's standalone mode
 * does).
 *
 * <p>Health (docs/health.md): with GPUs from nvidia-smi, the agent polls them and the kernel log's
 * XIDs; with fake GPUs it watches only the admin's health check program, if one is configured. Every
 * Register and Heartbeat carries the latest report, and a change of verdict sends a heartbeat at once.
 *
 * <p>{@link #close()} stops the link and the StepService; with
 * {@link AgentConfig#killJobsOnClose()} (the default) it also kills every job it runs. With
 * {@code false} the batch scripts keep running under their rota-stepd, and the next agent on the same
 * spool directory re-adopts them and reports their exits (see {@link JobSupervisor}); the restart must
 * come within rotad's node-down timeout, or rotad requeues the jobs while they still run. srun tasks
 * on other nodes are not re-adopted: their gRPC streams end with the agent.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class NodeAgent implements AutoCloseable {

    /** This agent's version, from the jar manifest ("dev" when run from classes). */
    public static final String VERSION = Optional.ofNullable(NodeAgent.class.getPackage().getImplementationVersion())
            .orElse("dev");

    private static final Logger LOG = Logger.getLogger(NodeAgent.class.getName());

    private final AgentConfig config;
    private final List<Gpu> gpus;
    private final String address;
    private final JobSupervisor supervisor;
    private final StepServer steps;
    private final Server server;
    private final DaemonLink link;
    private final HealthMonitor health;
    private final HealthStatusManager grpcHealth;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService power;

    private NodeAgent(AgentConfig config, List<Gpu> gpus, String address, JobSupervisor supervisor, StepServer steps,
            Server server, DaemonLink link, HealthMonitor health, HealthStatusManager grpcHealth,
            ScheduledExecutorService power) {
        this.power = power;
        this.grpcHealth = grpcHealth;
        this.config = config;
        this.gpus = gpus;
        this.address = address;
        this.supervisor = supervisor;
        this.steps = steps;
        this.server = server;
        this.link = link;
        this.health = health;
    }

    /**
     * Discovers the GPUs, starts the StepService and starts linking to the daemon (in the
     * background: the daemon need not be up yet).
     *
     * @throws UncheckedIOException when the StepService cannot bind its address
     * @throws dev.rota.agent.gpu.GpuDiscoveryException when the GPUs cannot be listed
     */
    public static NodeAgent start(AgentConfig config) {
        Objects.requireNonNull(config, "config");
        List<Gpu> gpus = config.gpus().discover();
        HealthMonitor health = HealthMonitor.start(config.nodeName(), healthSources(config, gpus),
                config.health().policy(), config.health().interval());
        JobSupervisor supervisor = new JobSupervisor(config.nodeName(), config.spoolDir(), config.execution());
        StepServer steps = new StepServer(supervisor);
        HealthStatusManager grpcHealth = new HealthStatusManager();
        Server server;
        try {
            // The standard health service answers SERVING while the agent runs, and reflection lets
            // operators' gRPC tools list the StepService; both as on rotad's port.
            server = NettyServerBuilder.forAddress(new InetSocketAddress(config.listenHost(), config.listenPort()))
                    .addService(steps)
                    .addService(grpcHealth.getHealthService())
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .build()
                    .start();
        } catch (IOException e) {
            health.close();
            steps.close();
            supervisor.closeLeavingJobs();
            throw new UncheckedIOException("cannot listen on " + config.listenHost() + ":" + config.listenPort()
                    + ": " + e.getMessage(), e);
        }
        String address = advertised(config.listenHost(), server.getPort());
        DaemonLink link = DaemonLink.start(
                Grpc.newChannelBuilder(config.daemonTarget(), InsecureChannelCredentials.create())
                        .keepAliveTime(5, TimeUnit.MINUTES)
                        .keepAliveTimeout(20, TimeUnit.SECONDS)
                        .build(),
                config.daemonTarget(),
                new DaemonLink.Identity(config.nodeName(), address, gpus.stream().map(Gpu::toProto).toList(), VERSION),
                supervisor, config.heartbeat(), () -> health.current().toProto());
        health.addListener(report -> link.healthChanged());
        ScheduledExecutorService power = powerSampler(config.nodeName(), health, supervisor);
        LOG.info(config.nodeName() + ": steps on " + address + ", " + gpus.size() + " GPUs ("
                + config.gpus().describe() + "), rotad at " + config.daemonTarget());
        return new NodeAgent(config, gpus, address, supervisor, steps, server, link, health, grpcHealth, power);
    }

    /** How often the power sampler looks for a new health report. */
    static final java.time.Duration POWER_LOOK = java.time.Duration.ofMillis(250);

    /**
     * Hands each new health report's GPU power readings to the supervisor, which integrates them per
     * allocation (energy accounting). A report is new when the monitor has published another one
     * since the last look, so samples are one health interval apart, timed within {@link #POWER_LOOK}.
     */
    private static ScheduledExecutorService powerSampler(String node, HealthMonitor health, JobSupervisor supervisor) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "rota-power-" + node);
            th.setDaemon(true);
            return th;
        });
        HealthReport[] last = {null};
        t.scheduleWithFixedDelay(() -> {
            try {
                HealthReport now = health.current();
                if (now != last[0]) {
                    last[0] = now;
                    supervisor.powerSample(PowerSample.of(now, System.nanoTime()));
                }
            } catch (RuntimeException e) {
                LOG.log(java.util.logging.Level.WARNING, node + ": power sample failed", e);
            }
        }, 0, POWER_LOOK.toMillis(), TimeUnit.MILLISECONDS);
        return t;
    }

    /** GPU readings and XIDs for GPUs from nvidia-smi (the same binary); the check program in any case. */
    private static HealthMonitor.Sources healthSources(AgentConfig config, List<Gpu> gpus) {
        Optional<GpuHealthSource> readings = Optional.empty();
        Optional<KernelLog> kernelLog = Optional.empty();
        if (config.gpus() instanceof NvidiaSmiInventory smi) {
            readings = Optional.of(new NvidiaSmiHealth(smi.executable(), GpuInventories.NVIDIA_SMI_TIMEOUT));
            kernelLog = config.health().kernelLog();
        }
        return new HealthMonitor.Sources(gpus, readings, kernelLog, config.health().check());
    }

    public String nodeName() {
        return config.nodeName();
    }

    /** host:port of this agent's StepService, as sent to the daemon. */
    public String address() {
        return address;
    }

    /** The GPUs found at start. */
    public List<Gpu> gpus() {
        return gpus;
    }

    /** The latest health report. */
    public HealthReport health() {
        return health.current();
    }

    /** Whether the daemon has answered the current Connect stream. */
    public boolean connected() {
        return link.isConnected();
    }

    /** Time since the last contact with the daemon ({@link DaemonLink#sinceContact}). */
    public java.time.Duration sinceDaemonContact() {
        return link.sinceContact();
    }

    /** How many allocations (jobs) this node runs now. */
    public int runningJobs() {
        return supervisor.running().size();
    }

    /** Whether jobs get cgroups here, so that {@code --mem} and {@code --cpus-per-task} hold. */
    public boolean limitsEnforced() {
        return supervisor.limitsEnforced();
    }

    /** Why {@link #limitsEnforced()} is false; empty when it is true. */
    public String limitsNotEnforcedBecause() {
        return supervisor.limitsNotEnforcedBecause();
    }

    /** Stops the link and the StepService, and kills the jobs unless configured not to. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        grpcHealth.enterTerminalState();
        power.shutdownNow();
        health.close();
        link.close();
        server.shutdown();
        if (config.killJobsOnClose()) {
            supervisor.close();
        } else {
            supervisor.closeLeavingJobs();
        }
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        steps.close();
    }

    private static String advertised(String listenHost, int port) {
        String host = listenHost;
        try {
            if (host.isEmpty() || InetAddress.getByName(host).isAnyLocalAddress()) {
                host = InetAddress.getLocalHost().getHostName();
            }
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
