package dev.rota.agent.env;

import dev.rota.agent.v1.AllocatedNode;
import dev.rota.agent.v1.LaunchJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.stream.Collectors;

/**
 * Builds the per-task environment of a job. Pure functions of their arguments: no clock, no
 * lookups, deterministic order (the returned maps iterate in a fixed order).
 *
 * <p>Precedence, lowest first: the submitter's environment ({@code LaunchJob.environment}, or srun's
 * own environment for a task), then the variables of {@link #variables}. A user can therefore read
 * but not override {@code SLURM_PROCID}, {@code RANK} and friends.
 *
 * <p>A job step may run a different number of tasks per node than the allocation asked for
 * ({@code srun --ntasks-per-node}); the task counts are then the step's, as in Slurm.
 */
public final class TaskEnvironment {

    /** Job id, read by srun. */
    public static final String JOB_ID = "ROTA_JOB_ID";
    /** {@code <job id>.<attempt>}: marks every process of an allocation, so a kill finds escapees. */
    public static final String ALLOCATION = "ROTA_ALLOCATION";
    /** {@code name=host:port,...} of every node in allocation order, read by srun. */
    public static final String STEP_NODES = "ROTA_STEP_NODES";
    /** Default tasks per node for srun. */
    public static final String NTASKS_PER_NODE = "ROTA_NTASKS_PER_NODE";
    /** Name of the node the process runs on (Slurm's spelling). */
    public static final String NODE_NAME = "SLURMD_NODENAME";

    private TaskEnvironment() {
    }

    /**
     * The variables of the batch script on node {@code nodeIndex} (0, the batch host, in practice):
     * the first task of that node, with the allocation's tasks per node. So on the batch host it is
     * rank 0, local rank 0, node rank 0.
     */
    public static SequencedMap<String, String> batch(LaunchJob launch, int nodeIndex) {
        int perNode = tasksPerNode(launch);
        return variables(launch, nodeIndex, perNode, nodeIndex * perNode, 0);
    }

    /**
     * The variables of one task of a job step.
     *
     * @param nodeIndex    index of this node in {@code launch.getNodesList()}
     * @param tasksPerNode tasks per node of this step (>= 1)
     * @param procId       global rank, {@code nodeIndex * tasksPerNode + localId}
     * @param localId      rank on this node
     */
    public static SequencedMap<String, String> variables(LaunchJob launch, int nodeIndex, int tasksPerNode,
            int procId, int localId) {
        Objects.requireNonNull(launch, "launch");
        List<AllocatedNode> nodes = launch.getNodesList();
        if (nodeIndex < 0 || nodeIndex >= nodes.size()) {
            throw new IllegalArgumentException("node index " + nodeIndex + " is outside the allocation of "
                    + nodes.size() + " node(s)");
        }
        if (tasksPerNode < 1) {
            throw new IllegalArgumentException("tasksPerNode must be >= 1, was " + tasksPerNode);
        }
        AllocatedNode node = nodes.get(nodeIndex);
        String jobId = Long.toUnsignedString(launch.getAllocation().getJobId());
        int nnodes = nodes.size();
        int ntasks = nnodes * tasksPerNode;
        String gpus = node.getGpuIndicesList().stream().map(String::valueOf).collect(Collectors.joining(","));
        String nodelist = launch.getNodelist().isEmpty()
                ? nodes.stream().map(AllocatedNode::getName).collect(Collectors.joining(","))
                : launch.getNodelist();

        SequencedMap<String, String> env = new LinkedHashMap<>();
        env.put("CUDA_VISIBLE_DEVICES", gpus);
        env.put("SLURM_JOB_ID", jobId);
        env.put("SLURM_JOBID", jobId);
        env.put("SLURM_JOB_NAME", launch.getJobName());
        env.put("SLURM_JOB_NODELIST", nodelist);
        env.put("SLURM_NODELIST", nodelist);
        env.put("SLURM_NNODES", String.valueOf(nnodes));
        env.put("SLURM_JOB_NUM_NODES", String.valueOf(nnodes));
        env.put("SLURM_NTASKS", String.valueOf(ntasks));
        env.put("SLURM_NPROCS", String.valueOf(ntasks));
        env.put("SLURM_NTASKS_PER_NODE", String.valueOf(tasksPerNode));
        env.put("SLURM_GPUS_ON_NODE", String.valueOf(node.getGpuIndicesCount()));
        env.put("SLURM_SUBMIT_DIR", launch.getWorkingDir());
        env.put("SLURM_PROCID", String.valueOf(procId));
        env.put("SLURM_LOCALID", String.valueOf(localId));
        env.put("SLURM_NODEID", String.valueOf(nodeIndex));
        env.put(NODE_NAME, node.getName());
        env.put("SLURM_JOB_USER", launch.getUser());
        env.put("SLURM_JOB_ACCOUNT", launch.getAccount());
        env.put("SLURM_JOB_PARTITION", launch.getPartition());
        // Attempts count starts; Slurm's restart count is how many times the job was requeued.
        env.put("SLURM_RESTART_COUNT", String.valueOf(Math.max(0, launch.getAllocation().getAttempt() - 1)));
        env.put("MASTER_ADDR", host(nodes.getFirst().getAddress()));
        env.put("MASTER_PORT", String.valueOf(launch.getMasterPort()));
        env.put("WORLD_SIZE", String.valueOf(ntasks));
        env.put("RANK", String.valueOf(procId));
        env.put("LOCAL_RANK", String.valueOf(localId));
        env.put("LOCAL_WORLD_SIZE", String.valueOf(tasksPerNode));
        env.put("NODE_RANK", String.valueOf(nodeIndex));
        env.put(JOB_ID, jobId);
        env.put(ALLOCATION, allocationMarker(launch));
        env.put(STEP_NODES, stepNodes(nodes));
        env.put(NTASKS_PER_NODE, String.valueOf(tasksPerNode));
        return env;
    }

    /** {@code base} overridden by {@code overrides}, in a new map (base order, then new keys). */
    public static SequencedMap<String, String> merge(Map<String, String> base, Map<String, String> overrides) {
        SequencedMap<String, String> out = new LinkedHashMap<>(base);
        out.putAll(overrides);
        return out;
    }

    /** The allocation's tasks per node; 0 on the wire means 1. */
    public static int tasksPerNode(LaunchJob launch) {
        return Math.max(1, launch.getNtasksPerNode());
    }

    /** The value of {@value #ALLOCATION} for this allocation: {@code <job id>.<attempt>}. */
    public static String allocationMarker(LaunchJob launch) {
        return Long.toUnsignedString(launch.getAllocation().getJobId()) + "."
                + Integer.toUnsignedString(launch.getAllocation().getAttempt());
    }

    /** {@code name=host:port,...} in allocation order. */
    static String stepNodes(List<AllocatedNode> nodes) {
        return nodes.stream().map(n -> n.getName() + "=" + n.getAddress()).collect(Collectors.joining(","));
    }

    /** The host part of {@code host:port}, {@code [v6]:port} or a bare host; brackets removed. */
    static String host(String address) {
        String a = address.strip();
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            return close < 0 ? a.substring(1) : a.substring(1, close);
        }
        int colon = a.lastIndexOf(':');
        // More than one colon without brackets: a bare IPv6 address without a port.
        if (colon < 0 || a.indexOf(':') != colon) {
            return a;
        }
        return a.substring(0, colon);
    }
}
