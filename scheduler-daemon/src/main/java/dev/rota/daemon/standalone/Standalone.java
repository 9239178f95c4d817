package dev.rota.daemon.standalone;

import dev.rota.agent.AgentConfig;
import dev.rota.agent.NodeAgent;
import dev.rota.agent.gpu.GpuInventories;
import dev.rota.agent.gpu.GpuInventory;
import dev.rota.agent.gpu.NvidiaSmiInventory;
import dev.rota.core.engine.NodeView;
import dev.rota.daemon.Daemon;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A whole cluster in one process: the daemon plus N node agents that reach it over loopback gRPC,
 * exactly as remote agents would. The newcomer's default; also handy for demos and tests.
 */
public final class Standalone implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Daemon daemon;
    private final List<NodeAgent> agents;

    private Standalone(Daemon daemon, List<NodeAgent> agents) {
        this.daemon = daemon;
        this.agents = agents;
    }

    /**
     * Starts the daemon, then {@code nodes} agents named {@code node-1..node-N}, and waits until
     * every agent has registered.
     *
     * @param nodes    null for the default: 2 with fake GPUs, 1 when real GPUs are found
     * @param fakeGpus null to use nvidia-smi when present (else 8 fake GPUs)
     */
    public static Standalone start(Daemon.Config config, Integer nodes, Integer fakeGpus, String gpuModel) {
        Daemon daemon = Daemon.start(config);
        List<NodeAgent> agents = new ArrayList<>();
        try {
            OptionalInt fake = fakeGpus == null ? OptionalInt.empty() : OptionalInt.of(fakeGpus);
            GpuInventory probe = GpuInventories.detect("node-1", fake, gpuModel);
            // Real GPUs are shared by every local agent, so one node is the honest default.
            int count = nodes != null ? nodes : (probe instanceof NvidiaSmiInventory ? 1 : 2);
            InetSocketAddress grpc = daemon.grpcAddress();
            String target = grpc.getAddress().getHostAddress() + ":" + grpc.getPort();
            for (int i = 1; i <= count; i++) {
                String name = "node-" + i;
                GpuInventory inventory = i == 1 ? probe : GpuInventories.detect(name, fake, gpuModel);
                // Standalone jobs end with the cluster: the agents kill them on Ctrl-C.
                agents.add(NodeAgent.start(AgentConfig.of(name, target, config.dataDir().resolve("agents").resolve(name),
                        inventory).withKillJobsOnClose(true)));
            }
            awaitRegistered(daemon, count);
            return new Standalone(daemon, agents);
        } catch (RuntimeException e) {
            agents.forEach(NodeAgent::close);
            daemon.close();
            throw e;
        }
    }

    private static void awaitRegistered(Daemon daemon, int count) {
        try {
            if (daemon.await(s -> s.nodes().stream().filter(NodeView::connected).count() >= count, READY_TIMEOUT)
                    .isEmpty()) {
                throw new IllegalStateException("only " + daemon.snapshot().nodes().stream()
                        .filter(NodeView::connected).count() + " of " + count + " local agents registered within "
                        + READY_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for agents", e);
        }
    }

    public Daemon daemon() {
        return daemon;
    }

    /** What a newcomer needs to know: where everything is and what to type next. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        InetSocketAddress grpc = daemon.grpcAddress();
        InetSocketAddress http = daemon.metricsAddress();
        String address = grpc.getAddress().getHostAddress() + ":" + grpc.getPort();
        b.append("Rota standalone cluster is up.\n");
        b.append("  data:     ").append(daemon.dataDir()).append('\n');
        b.append("  gRPC:     ").append(address).append('\n');
        b.append("  metrics:  http://").append(http.getAddress().getHostAddress()).append(':').append(http.getPort())
                .append("/metrics\n");
        for (NodeView n : daemon.snapshot().nodes()) {
            b.append("  node:     ").append(n.name()).append(" (").append(n.gpusTotal()).append(" x ")
                    .append(n.record().gpuModel().isEmpty() ? "no GPU" : n.record().gpuModel()).append(", agent at ")
                    .append(n.record().address()).append(")\n");
        }
        String addressFlag = address.equals("127.0.0.1:7070") ? "" : " --address " + address;
        b.append("Try, in another terminal:\n");
        b.append("  bin/rota").append(addressFlag)
                .append(" submit --nodes 2 --gpus-per-node 4 --time 10:00 --wrap 'srun hostname; srun env | sort'\n");
        b.append("  bin/rota").append(addressFlag).append(" queue --all\n");
        b.append("Ctrl-C stops the cluster.\n");
        return b.toString();
    }

    @Override
    public void close() {
        for (NodeAgent a : agents) {
            a.close();
        }
        daemon.close();
    }
}
