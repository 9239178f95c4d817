package dev.rota.agent;

import dev.rota.agent.v1.AllocatedNode;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.LaunchJob;
import java.nio.file.Path;
import java.util.List;

/** LaunchJob builders for tests. */
public final class Launches {

    private Launches() {
    }

    public static AllocatedNode node(String name, String address, Integer... gpus) {
        return AllocatedNode.newBuilder().setName(name).setAddress(address).addAllGpuIndices(
                List.of(gpus).stream().map(Integer::intValue).toList()).build();
    }

    /** A job on {@code nodes} running {@code script} in {@code dir}, output to {@code dir/out.txt}. */
    public static LaunchJob.Builder job(long id, int attempt, Path dir, String script, AllocatedNode... nodes) {
        return LaunchJob.newBuilder()
                .setAllocation(AllocationRef.newBuilder().setJobId(id).setAttempt(attempt))
                .setJobName("test-job")
                .setUser("alice")
                .setAccount("research")
                .setPartition("gpu")
                .setScript(script)
                .setWorkingDir(dir.toString())
                .setOutputPath(dir.resolve("out.txt").toString())
                .addAllNodes(List.of(nodes))
                .setNtasksPerNode(1)
                .setBatchHost(true)
                .setMasterPort(29500)
                .setNodelist(String.join(",", List.of(nodes).stream().map(AllocatedNode::getName).toList()));
    }
}
