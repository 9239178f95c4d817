package dev.rota.agent.step;

import dev.rota.agent.Launches;
import dev.rota.agent.env.TaskEnvironment;
import dev.rota.agent.exec.JobSupervisor;
import dev.rota.agent.v1.AllocatedNode;
import dev.rota.agent.v1.LaunchJob;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** N nodes on loopback, each a JobSupervisor with a StepServer on an ephemeral port. */
final class StepCluster implements AutoCloseable {

    final List<JobSupervisor> supervisors = new ArrayList<>();
    final List<StepServer> steps = new ArrayList<>();
    final List<Server> servers = new ArrayList<>();
    final List<AllocatedNode> nodes = new ArrayList<>();

    StepCluster(Path spool, int count) {
        for (int i = 1; i <= count; i++) {
            JobSupervisor s = new JobSupervisor("node-" + i, spool.resolve("node-" + i));
            StepServer step = new StepServer(s);
            try {
                Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .addService(step).build().start();
                servers.add(server);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            supervisors.add(s);
            steps.add(step);
            nodes.add(Launches.node("node-" + i, "127.0.0.1:" + servers.getLast().getPort(), 2 * i - 2, 2 * i - 1));
        }
    }

    /** Launches {@code job} on every node, the first one as batch host. */
    void launch(LaunchJob job) {
        for (int i = 0; i < supervisors.size(); i++) {
            supervisors.get(i).launch(job.toBuilder().setBatchHost(i == 0).build());
        }
    }

    /** The environment the batch script of {@code job} sees, as srun would inherit it. */
    static Map<String, String> batchEnvironment(LaunchJob job) {
        Map<String, String> env = new HashMap<>(job.getEnvironmentMap());
        env.put("PATH", System.getenv("PATH"));
        env.putAll(TaskEnvironment.batch(job, 0));
        return env;
    }

    @Override
    public void close() {
        supervisors.forEach(JobSupervisor::close);
        for (Server s : servers) {
            s.shutdownNow();
            try {
                s.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        steps.forEach(StepServer::close);
    }
}
