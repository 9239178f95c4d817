package dev.rota.daemon;

import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.Effect;
import dev.rota.core.engine.EngineConfig;
import dev.rota.core.engine.SchedulerEngine;
import dev.rota.daemon.agents.AgentEndpoint;
import dev.rota.daemon.agents.AgentSessions;
import dev.rota.daemon.api.AdminEndpoint;
import dev.rota.daemon.audit.AuditTrail;
import dev.rota.daemon.api.CallerIdentity;
import dev.rota.daemon.api.InlineCalls;
import dev.rota.daemon.api.JobEndpoint;
import dev.rota.daemon.api.NodeEndpoint;
import dev.rota.daemon.api.PolicyEndpoint;
import dev.rota.daemon.loop.EngineLoop;
import dev.rota.daemon.loop.TimerService;
import dev.rota.daemon.metrics.DaemonMetrics;
import dev.rota.daemon.metrics.HttpEndpoints;
import dev.rota.daemon.store.HistoryJanitor;
import dev.rota.daemon.store.RocksStateStore;
import dev.rota.daemon.store.StateStore;
import dev.rota.daemon.store.StoredState;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code rotad} wired together: RocksDB store, engine loop, timers, agent sessions, the gRPC API
 * and the HTTP metrics port. {@link #start} returns a running daemon; {@link #close} stops it in the
 * reverse order. No static state: tests run several side by side.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    /**
     * @param dataDir       where the RocksDB store lives
     * @param listen        gRPC address (port 0: any free port)
     * @param metricsListen HTTP address for /metrics, /healthz, /readyz (port 0: any free port)
     */
    public record Config(Path dataDir, HostPort listen, HostPort metricsListen, EngineConfig engine,
            java.time.Duration agentSilenceLimit, java.time.Duration historyRetention,
            java.time.Duration auditRetention) {
        /** The default silence limit: agents heartbeat every 5 s. */
        public static final java.time.Duration DEFAULT_AGENT_SILENCE = java.time.Duration.ofSeconds(15);
        /** How long finished jobs stay queryable by default. */
        public static final java.time.Duration DEFAULT_HISTORY_RETENTION = java.time.Duration.ofDays(30);
        /** How long audit entries stay queryable by default. */
        public static final java.time.Duration DEFAULT_AUDIT_RETENTION = java.time.Duration.ofDays(365);

        public Config(Path dataDir, HostPort listen, HostPort metricsListen, EngineConfig engine) {
            this(dataDir, listen, metricsListen, engine, DEFAULT_AGENT_SILENCE, DEFAULT_HISTORY_RETENTION,
                    DEFAULT_AUDIT_RETENTION);
        }

        public Config withHistoryRetention(java.time.Duration retention) {
            return new Config(dataDir, listen, metricsListen, engine, agentSilenceLimit, retention, auditRetention);
        }

        public Config withAuditRetention(java.time.Duration retention) {
            return new Config(dataDir, listen, metricsListen, engine, agentSilenceLimit, historyRetention, retention);
        }
    }

    private final StateStore store;
    private final EngineLoop loop;
    private final TimerService timers;
    private final AgentSessions sessions;
    private final Server server;
    private final HttpEndpoints http;
    private final HealthStatusManager health;
    private final Path dataDir;
    private final HistoryJanitor janitor;
    private final AuditTrail audit;
    private final dev.rota.daemon.watch.JobWatch watch;
    /** The policy the engine runs with; replaced by {@link #reloadPolicy} once the engine took it. */
    private final java.util.concurrent.atomic.AtomicReference<dev.rota.core.policy.Policy> policy;

    private Daemon(Path dataDir, StateStore store, EngineLoop loop, TimerService timers, AgentSessions sessions,
            Server server, HttpEndpoints http, HealthStatusManager health, HistoryJanitor janitor, AuditTrail audit,
            java.util.concurrent.atomic.AtomicReference<dev.rota.core.policy.Policy> policy,
            dev.rota.daemon.watch.JobWatch watch) {
        this.watch = watch;
        this.policy = policy;
        this.dataDir = dataDir;
        this.audit = audit;
        this.janitor = janitor;
        this.store = store;
        this.loop = loop;
        this.timers = timers;
        this.sessions = sessions;
        this.server = server;
        this.http = http;
        this.health = health;
    }

    /**
     * Opens the store, recovers the engine and starts serving.
     *
     * @throws dev.rota.daemon.store.StoreFailure when the store cannot be opened
     * @throws UncheckedIOException when a port cannot be bound
     */
    public static Daemon start(Config config) {
        StateStore store = RocksStateStore.open(config.dataDir().resolve("db"));
        try {
            return start(config, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static Daemon start(Config config, StateStore store) {
        StoredState stored = store.load(config.engine().finishedInMemory());
        SchedulerEngine engine = SchedulerEngine.restore(config.engine(), stored.nextJobId(), stored.nodes(),
                stored.jobs(), stored.usage());
        AgentSessions sessions = new AgentSessions(config.agentSilenceLimit());
        DaemonMetrics metrics = new DaemonMetrics(config.engine().policy().defaultPartition(),
                config.engine().topology());
        metrics.watchAgents(sessions::connected, sessions::maxSilenceNanos);
        metrics.watchStore(config.dataDir().resolve("db"));
        Clock clock = Clock.systemUTC();
        EngineLoop[] loopRef = new EngineLoop[1];
        dev.rota.daemon.loop.StepTimes stepTimes = new dev.rota.daemon.loop.StepTimes();
        dev.rota.daemon.watch.JobWatch watch = new dev.rota.daemon.watch.JobWatch(() -> loopRef[0].snapshot(),
                job -> JobEndpoint.withEstimate(job, loopRef[0].snapshot()), clock);
        TimerService timers = new TimerService(clock, event -> loopRef[0].submit(event));
        EngineLoop loop = new EngineLoop(engine, store, effect -> {
            switch (effect) {
                case Effect.LaunchJob l -> sessions.launch(l);
                case Effect.RelaunchOnNode r -> sessions.relaunch(r);
                case Effect.KillJob k -> sessions.kill(k);
                case Effect.ScheduleTimer t -> timers.schedule(t.at(), t.key());
            }
        }, clock, 4096, 65536, EngineLoop.StepListener.all(metrics, stepTimes, watch));
        loopRef[0] = loop;
        metrics.readFrom(loop::snapshot);

        var policy = new java.util.concurrent.atomic.AtomicReference<>(config.engine().policy());
        HealthStatusManager health = new HealthStatusManager();
        AuditTrail audit = new AuditTrail(store.audit(), clock, config.auditRetention(), java.time.Duration.ofHours(1));
        Server server;
        HttpEndpoints http = null;
        try {
            CallerIdentity identity = new CallerIdentity();
            server = NettyServerBuilder.forAddress(config.listen().socketAddress())
                    .callExecutor(new InlineCalls())
                    .intercept(metrics.grpc())
                    .addService(ServerInterceptors.intercept(new JobEndpoint(loop, store, audit,
                            System.getProperty("user.name"), watch), identity))
                    .addService(ServerInterceptors.intercept(new NodeEndpoint(loop, policy::get, audit,
                            sessions::facts, stepTimes::summary, config.engine().topology()), identity))
                    .addService(ServerInterceptors.intercept(new AdminEndpoint(store, audit, clock), identity))
                    .addService(ServerInterceptors.intercept(new PolicyEndpoint(loop::snapshot,
                            policy::get, clock), identity))
                    .addService(new AgentEndpoint(loop, sessions))
                    .addService(health.getHealthService())
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .build();
            loop.start(engine.recoveryEffects(clock.instant()));
            server.start();
            http = new HttpEndpoints(config.metricsListen().socketAddress(), metrics::scrape, loop::isRunning);
        } catch (IOException e) {
            loop.close();
            watch.close();
            sessions.close();
            timers.close();
            audit.close();
            throw new UncheckedIOException("cannot listen on " + config.listen() + " / " + config.metricsListen()
                    + ": " + e.getMessage() + " (is another rotad running? use --listen/--metrics-listen)", e);
        }
        LOG.info(() -> "rotad recovered " + stored.jobs().size() + " jobs and " + stored.nodes().size()
                + " nodes from " + config.dataDir());
        HistoryJanitor janitor = new HistoryJanitor(store, clock, config.historyRetention(), java.time.Duration.ofHours(1));
        return new Daemon(config.dataDir(), store, loop, timers, sessions, server, http, health, janitor, audit,
                policy, watch);
    }

    public InetSocketAddress grpcAddress() {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    public InetSocketAddress metricsAddress() {
        return http.address();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Waits until the published state satisfies {@code condition}; empty on timeout. */
    public java.util.Optional<ClusterSnapshot> await(java.util.function.Predicate<ClusterSnapshot> condition,
            java.time.Duration timeout) throws InterruptedException {
        return loop.await(condition, timeout);
    }

    /**
     * Hands the engine a new policy (the admin edited the policy file and sent SIGHUP). Completes
     * once the engine runs with it; the policy API serves it from then on.
     */
    public java.util.concurrent.CompletableFuture<Void> reloadPolicy(dev.rota.core.policy.Policy next) {
        return loop.submit(at -> new dev.rota.core.engine.Event.PolicyReloaded(at, next))
                .thenRun(() -> policy.set(next));
    }

    /** The last published cluster state. */
    public ClusterSnapshot snapshot() {
        return loop.snapshot();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        // Open watch streams end now, or the server would wait for them.
        watch.close();
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        http.close();
        janitor.close();
        // After the server: answers still in flight wait for their audit entries.
        audit.close();
        sessions.close();
        timers.close();
        loop.close();
        store.close();
    }
}
