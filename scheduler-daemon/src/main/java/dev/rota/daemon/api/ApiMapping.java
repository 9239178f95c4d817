package dev.rota.daemon.api;

import com.google.protobuf.Timestamp;
import dev.rota.api.v1.Gpu;
import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.Node;
import dev.rota.api.v1.NodeAllocation;
import dev.rota.api.v1.NodeState;
import dev.rota.core.engine.NodeView;
import dev.rota.core.job.JobId;
import dev.rota.core.node.Hostlist;
import java.time.Instant;

/** Maps core values to {@code rota.api.v1} messages. Wire types stop here: the core never sees them. */
public final class ApiMapping {
    private ApiMapping() {
    }

    public static Job job(dev.rota.core.job.Job j) {
        dev.rota.core.job.JobSpec s = j.spec();
        JobSpec spec = JobSpec.newBuilder().setName(s.name()).setAccount(s.account()).setPartition(s.partition())
                .setNodes(s.nodes()).setNtasksPerNode(s.tasksPerNode()).setGpusPerNode(s.gpusPerNode())
                .setTimeLimit(com.google.protobuf.Duration.newBuilder().setSeconds(s.timeLimit().toSeconds()))
                .setWorkingDir(s.workingDir()).setOutputPattern(s.outputPattern())
                .setErrorPattern(s.errorPattern()).addAllScriptArgs(s.scriptArgs()).setQos(s.qos())
                .setSignal(s.signal().map(Object::toString).orElse(""))
                .setMemPerNodeBytes(s.limits().memoryBytes()).setCpusPerTask(s.limits().cpusPerTask())
                .setHold(s.hold() != dev.rota.core.job.Hold.NONE).setDependency(s.dependency().toString()).build();
        if (s.begin().isPresent()) {
            spec = spec.toBuilder().setBeginTime(timestamp(s.begin().get())).build();
        }
        Job.Builder b = Job.newBuilder().setId(j.id().value()).setSpec(spec).setUser(s.user())
                .setState(state(j.state())).setReason(j.reason()).setOutputPath(j.outputPath())
                .setErrorPath(j.errorPath()).setAccount(s.account()).setPartition(s.partition())
                .setAttempts(j.attempt()).setSubmitTime(timestamp(j.submitTime())).setQos(s.qos());
        j.exitCode().ifPresent(b::setExitCode);
        j.energyJoules().ifPresent(b::setEnergyJoules);
        b.setDisplayId(j.displayId());
        s.array().ifPresent(a -> {
            b.setArrayJobId(a.arrayJobId()).setArrayPending(a.pending().toString());
            a.taskId().ifPresent(b::setArrayTaskId);
        });
        if (j.startTime() != null) {
            b.setStartTime(timestamp(j.startTime()));
        }
        if (j.endTime() != null) {
            b.setEndTime(timestamp(j.endTime()));
        }
        for (dev.rota.core.job.NodeAllocation a : j.allocation()) {
            b.addAllocation(NodeAllocation.newBuilder().setNode(a.node()).addAllGpuIndices(a.gpus()));
        }
        b.setNodelist(Hostlist.compress(j.allocation().stream().map(dev.rota.core.job.NodeAllocation::node).toList()));
        return b.build();
    }

    public static JobState state(dev.rota.core.job.JobState s) {
        return switch (s) {
            case PENDING -> JobState.JOB_STATE_PENDING;
            case RUNNING -> JobState.JOB_STATE_RUNNING;
            case COMPLETED -> JobState.JOB_STATE_COMPLETED;
            case FAILED -> JobState.JOB_STATE_FAILED;
            case CANCELLED -> JobState.JOB_STATE_CANCELLED;
            case TIMEOUT -> JobState.JOB_STATE_TIMEOUT;
            case NODE_FAIL -> JobState.JOB_STATE_NODE_FAIL;
        };
    }

    /** The core state for a wire state; UNSPECIFIED and unknown values give null. */
    public static dev.rota.core.job.JobState state(JobState s) {
        return switch (s) {
            case JOB_STATE_PENDING -> dev.rota.core.job.JobState.PENDING;
            case JOB_STATE_RUNNING -> dev.rota.core.job.JobState.RUNNING;
            case JOB_STATE_COMPLETED -> dev.rota.core.job.JobState.COMPLETED;
            case JOB_STATE_FAILED -> dev.rota.core.job.JobState.FAILED;
            case JOB_STATE_CANCELLED -> dev.rota.core.job.JobState.CANCELLED;
            case JOB_STATE_TIMEOUT -> dev.rota.core.job.JobState.TIMEOUT;
            case JOB_STATE_NODE_FAIL -> dev.rota.core.job.JobState.NODE_FAIL;
            case JOB_STATE_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    }

    /**
     * @param partitions the partitions the node belongs to, by name
     * @param switches   where it sits, top switch first (empty when the topology does not mention it)
     */
    public static Node node(NodeView n, java.util.List<String> partitions, java.util.List<String> switches) {
        Node.Builder b = Node.newBuilder().setName(n.name()).setState(state(n.state()))
                .setAddress(n.record().address()).setGpuModel(n.record().gpuModel()).setGpusTotal(n.gpusTotal())
                .setGpusAllocated(n.gpusAllocated()).addAllPartitions(partitions).addAllSwitches(switches);
        for (dev.rota.core.node.Gpu g : n.record().gpus()) {
            b.addGpus(Gpu.newBuilder().setIndex(g.index()).setUuid(g.uuid()).setModel(g.model())
                    .setMemoryBytes(g.memoryBytes()));
        }
        n.record().drain().ifPresent(d -> b.setReason(d.reason()).setDrainedBy(d.by())
                .setDrainedAt(timestamp(d.at())));
        if (n.record().drain().isEmpty()) {
            switch (n.state()) {
                case NOT_RESPONDING -> b.setReason("agent not responding");
                case DOWN -> b.setReason("agent away past the node-down timeout");
                default -> {
                }
            }
        }
        for (JobId id : n.runningJobs()) {
            b.addRunningJobIds(id.value());
        }
        return b.build();
    }

    public static NodeState state(dev.rota.core.node.NodeState s) {
        return switch (s) {
            case IDLE -> NodeState.NODE_STATE_IDLE;
            case MIXED -> NodeState.NODE_STATE_MIXED;
            case ALLOCATED -> NodeState.NODE_STATE_ALLOCATED;
            case DRAINING -> NodeState.NODE_STATE_DRAINING;
            case DRAINED -> NodeState.NODE_STATE_DRAINED;
            case NOT_RESPONDING -> NodeState.NODE_STATE_NOT_RESPONDING;
            case DOWN -> NodeState.NODE_STATE_DOWN;
        };
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
