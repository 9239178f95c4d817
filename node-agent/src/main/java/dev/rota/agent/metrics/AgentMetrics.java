package dev.rota.agent.metrics;

import dev.rota.agent.NodeAgent;
import dev.rota.agent.gpu.Gpu;
import dev.rota.agent.health.GpuSample;
import dev.rota.agent.health.GpuStatus;
import dev.rota.agent.health.HealthReport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * One node agent's Prometheus metrics: the link to the daemon, jobs running, and per GPU the latest
 * health readings (utilisation, memory used, temperature, power, uncorrectable ECC errors, XIDs,
 * verdict). Every series carries
 * the {@code node} label; per-GPU series add {@code gpu} (the driver's index) and {@code uuid}, so
 * a node has a few series per GPU and no more.
 *
 * <p>The per-GPU gauges are re-read from {@link Source#health()} on each scrape: the health monitor
 * polls on its own interval and a scrape never runs nvidia-smi. A reading the driver did not give
 * (fake GPUs, {@code [N/A]}) has no series rather than a made-up value.
 *
 * <p>Thread-safe; scrapes take turns.
 */
public final class AgentMetrics {

    /** What the metrics read; every method is called on the scraping thread and must not block. */
    public interface Source {
        String nodeName();

        /** The GPUs found at start. */
        List<Gpu> gpus();

        /** The latest health report. */
        HealthReport health();

        /** Whether the daemon has answered the current stream. */
        boolean connected();

        /** Time since the last contact with the daemon. */
        Duration sinceDaemonContact();

        /** Allocations this node runs now. */
        int runningJobs();

        /** Whether jobs get cgroups, so that {@code --mem} and {@code --cpus-per-task} hold. */
        default boolean limitsEnforced() {
            return false;
        }

        /** A running agent as a source. */
        static Source of(NodeAgent agent) {
            return new Source() {
                @Override
                public String nodeName() {
                    return agent.nodeName();
                }

                @Override
                public List<Gpu> gpus() {
                    return agent.gpus();
                }

                @Override
                public HealthReport health() {
                    return agent.health();
                }

                @Override
                public boolean connected() {
                    return agent.connected();
                }

                @Override
                public Duration sinceDaemonContact() {
                    return agent.sinceDaemonContact();
                }

                @Override
                public int runningJobs() {
                    return agent.runningJobs();
                }

                @Override
                public boolean limitsEnforced() {
                    return agent.limitsEnforced();
                }
            };
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Source source;
    private final MultiGauge temperature;
    private final MultiGauge power;
    private final MultiGauge ecc;
    private final MultiGauge xids;
    private final MultiGauge utilization;
    private final MultiGauge memoryUsed;
    private final MultiGauge gpuHealth;

    public AgentMetrics(Source source) {
        this.source = source;
        registry.config().commonTags("node", source.nodeName());
        // Filters first: Micrometer applies them only to meters registered after them.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")));
        Gauge.builder("rota_agent_connected", () -> source.connected() ? 1 : 0)
                .description("1 while the agent is registered with the daemon on an open stream, else 0")
                .register(registry);
        Gauge.builder("rota_agent_daemon_contact_age_seconds", () -> source.sinceDaemonContact().toNanos() / 1e9)
                .description("Seconds since the agent last heard from the daemon or handed it a heartbeat on a "
                        + "registered stream; grows while the daemon is unreachable").register(registry);
        Gauge.builder("rota_agent_jobs_running", () -> source.runningJobs())
                .description("Allocations (jobs) this node runs now").register(registry);
        Gauge.builder("rota_agent_limits_enforced", () -> source.limitsEnforced() ? 1 : 0)
                .description("1 when jobs run in their own cgroups (--mem and --cpus-per-task hold), 0 when "
                        + "limits are not enforced (no writable cgroup v2; the agent logs why at start)")
                .register(registry);
        Gauge.builder("rota_agent_gpus", () -> source.gpus().size())
                .description("GPUs the agent discovered at start and registered").register(registry);
        Gauge.builder("rota_agent_healthy", () -> source.health().healthy() ? 1 : 0)
                .description("1 while the health assessment finds no fatal condition; 0 drains the node")
                .register(registry);
        Gauge.builder("rota_agent_health_faults", () -> source.health().faults().size())
                .description("Fatal health conditions now (each drains the node)").register(registry);
        Gauge.builder("rota_agent_health_warnings", () -> source.health().warnings().size())
                .description("Health warnings now (reported, not drained for)").register(registry);
        temperature = MultiGauge.builder("rota_agent_gpu_temperature_celsius")
                .description("GPU core temperature, from the latest health poll").register(registry);
        power = MultiGauge.builder("rota_agent_gpu_power_watts")
                .description("GPU power draw, from the latest health poll").register(registry);
        ecc = MultiGauge.builder("rota_agent_gpu_ecc_uncorrected_errors")
                .description("Uncorrectable ECC errors since the driver loaded (volatile count), from the latest "
                        + "health poll").register(registry);
        utilization = MultiGauge.builder("rota_agent_gpu_utilization_ratio")
                .description("Share of the driver's last sample period in which a kernel ran on the GPU (0..1), "
                        + "from the latest health poll").register(registry);
        memoryUsed = MultiGauge.builder("rota_agent_gpu_memory_used_bytes")
                .description("GPU device memory in use, from the latest health poll").register(registry);
        xids = MultiGauge.builder("rota_agent_gpu_xids")
                .description("Distinct XID codes the kernel log holds for the GPU").register(registry);
        gpuHealth = MultiGauge.builder("rota_agent_gpu_health")
                .description("1 for the GPU's health verdict (state: ok, warning, failed, missing, unknown), 0 for "
                        + "the others").register(registry);
        bindJvmMetrics(registry);
    }

    /** JVM metrics without the two names promtool rejects; CPU time as {@code process_cpu_seconds_total}. */
    private static void bindJvmMetrics(MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process_cpu_seconds_total", os, o -> o.getProcessCpuTime() / 1e9)
                    .description("CPU time this process used, in seconds").register(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition, per-GPU series from the latest health report. */
    public synchronized String scrape() {
        List<GpuStatus> gpus = source.health().gpus();
        temperature.register(rows(gpus, s -> s.sample().map(GpuSample::temperatureC)
                .orElse(OptionalDouble.empty())), true);
        power.register(rows(gpus, s -> s.sample().map(GpuSample::powerW).orElse(OptionalDouble.empty())), true);
        ecc.register(rows(gpus, s -> {
            OptionalLong n = s.sample().map(GpuSample::eccUncorrected).orElse(OptionalLong.empty());
            return n.isPresent() ? OptionalDouble.of(n.getAsLong()) : OptionalDouble.empty();
        }), true);
        utilization.register(rows(gpus, s -> {
            OptionalDouble p = s.sample().map(GpuSample::utilizationPercent).orElse(OptionalDouble.empty());
            return p.isPresent() ? OptionalDouble.of(p.getAsDouble() / 100) : OptionalDouble.empty();
        }), true);
        memoryUsed.register(rows(gpus, s -> {
            OptionalLong n = s.sample().map(GpuSample::memoryUsedBytes).orElse(OptionalLong.empty());
            return n.isPresent() ? OptionalDouble.of(n.getAsLong()) : OptionalDouble.empty();
        }), true);
        xids.register(rows(gpus, s -> OptionalDouble.of(s.xids().size())), true);
        List<MultiGauge.Row<?>> verdicts = new ArrayList<>();
        for (GpuStatus s : gpus) {
            for (GpuStatus.State state : GpuStatus.State.values()) {
                verdicts.add(MultiGauge.Row.of(gpuTags(s).and("state", state.name().toLowerCase(Locale.ROOT)),
                        (Number) (s.state() == state ? 1 : 0)));
            }
        }
        gpuHealth.register(verdicts, true);
        return registry.scrape();
    }

    private static List<MultiGauge.Row<?>> rows(List<GpuStatus> gpus, Function<GpuStatus, OptionalDouble> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>(gpus.size());
        for (GpuStatus s : gpus) {
            OptionalDouble v = value.apply(s);
            if (v.isPresent()) {
                rows.add(MultiGauge.Row.of(gpuTags(s), (Number) v.getAsDouble()));
            }
        }
        return rows;
    }

    private static Tags gpuTags(GpuStatus s) {
        return Tags.of("gpu", Integer.toString(s.index()), "uuid", s.uuid());
    }
}
