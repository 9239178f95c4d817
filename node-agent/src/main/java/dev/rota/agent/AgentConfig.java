package dev.rota.agent;

import dev.rota.agent.exec.ExecutionSettings;
import dev.rota.agent.gpu.GpuInventory;
import dev.rota.agent.health.HealthSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run one node agent.
 *
 * @param nodeName        this node's name as the daemon knows it
 * @param daemonTarget    rotad's agent endpoint, {@code host:port}
 * @param listenHost      interface the StepService binds to; a wildcard ({@code 0.0.0.0}, {@code ::})
 *                        advertises this host's name instead
 * @param listenPort      port of the StepService; 0 picks a free one (the bound port is advertised)
 * @param spoolDir        where job scripts are written (one directory per allocation)
 * @param gpus            where this node's GPUs come from
 * @param heartbeat       interval between heartbeats
 * @param killJobsOnClose whether {@link NodeAgent#close()} kills the jobs it runs; see there
 * @param health          how the agent watches its health (docs/health.md)
 * @param execution       how jobs are run: admin prolog and epilog (docs/operations.md)
 */
public record AgentConfig(String nodeName, String daemonTarget, String listenHost, int listenPort, Path spoolDir,
        GpuInventory gpus, Duration heartbeat, boolean killJobsOnClose, HealthSettings health,
        ExecutionSettings execution) {

    /** As the canonical constructor, with {@link ExecutionSettings#DEFAULTS}. */
    public AgentConfig(String nodeName, String daemonTarget, String listenHost, int listenPort, Path spoolDir,
            GpuInventory gpus, Duration heartbeat, boolean killJobsOnClose, HealthSettings health) {
        this(nodeName, daemonTarget, listenHost, listenPort, spoolDir, gpus, heartbeat, killJobsOnClose, health,
                ExecutionSettings.DEFAULTS);
    }

    public static final String DEFAULT_LISTEN_HOST = "127.0.0.1";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);

    public AgentConfig {
        if (nodeName == null || nodeName.isBlank() || nodeName.contains(",") || nodeName.contains("=")) {
            throw new IllegalArgumentException("node name must be non-blank without ',' or '=': '" + nodeName + "'");
        }
        Objects.requireNonNull(daemonTarget, "daemonTarget");
        Objects.requireNonNull(listenHost, "listenHost");
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listen port must be 0..65535, was " + listenPort);
        }
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(gpus, "gpus");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive, was " + heartbeat);
        }
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(execution, "execution");
    }

    /**
     * Defaults: StepService on 127.0.0.1, ephemeral port; heartbeat every 5 s; jobs killed on close;
     * {@link HealthSettings#defaults() default} health watching.
     */
    public static AgentConfig of(String nodeName, String daemonTarget, Path spoolDir, GpuInventory gpus) {
        return new AgentConfig(nodeName, daemonTarget, DEFAULT_LISTEN_HOST, 0, spoolDir, gpus, DEFAULT_HEARTBEAT,
                true, HealthSettings.defaults());
    }

    public AgentConfig withListen(String host, int port) {
        return new AgentConfig(nodeName, daemonTarget, host, port, spoolDir, gpus, heartbeat, killJobsOnClose,
                health, execution);
    }

    public AgentConfig withHeartbeat(Duration interval) {
        return new AgentConfig(nodeName, daemonTarget, listenHost, listenPort, spoolDir, gpus, interval,
                killJobsOnClose, health, execution);
    }

    public AgentConfig withKillJobsOnClose(boolean kill) {
        return new AgentConfig(nodeName, daemonTarget, listenHost, listenPort, spoolDir, gpus, heartbeat, kill,
                health, execution);
    }

    public AgentConfig withExecution(ExecutionSettings settings) {
        return new AgentConfig(nodeName, daemonTarget, listenHost, listenPort, spoolDir, gpus, heartbeat,
                killJobsOnClose, health, settings);
    }

    public AgentConfig withHealth(HealthSettings settings) {
        return new AgentConfig(nodeName, daemonTarget, listenHost, listenPort, spoolDir, gpus, heartbeat,
                killJobsOnClose, settings, execution);
    }
}
