package dev.rota.cli;

import static dev.rota.cli.FakeRotad.at;

import com.google.protobuf.Duration;
import dev.rota.api.v1.Gpu;
import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.Node;
import dev.rota.api.v1.NodeAllocation;
import dev.rota.api.v1.NodeState;

/** Jobs and nodes of a small two-node H100 cluster at 2026-11-23T12:00:00Z ({@link FakeRotad#CLOCK}). */
final class Examples {
    private Examples() {}

    /** alice's 2-node training job, running for 1:30:00 on node-[1-2]. */
    static Job runningTraining() {
        return Job.newBuilder().setId(7).setUser("alice").setState(JobState.JOB_STATE_RUNNING)
                .setSpec(JobSpec.newBuilder().setName("train-llm").setNodes(2).setNtasksPerNode(8).setGpusPerNode(4)
                        .setTimeLimit(Duration.newBuilder().setSeconds(2 * 86_400)).setWorkingDir("/home/alice/exp"))
                .setAccount("ml-research").setPartition("gpu")
                .setSubmitTime(at("2026-11-23T10:29:30Z")).setStartTime(at("2026-11-23T10:30:00Z"))
                .setNodelist("node-[1-2]")
                .addAllocation(NodeAllocation.newBuilder().setNode("node-1").addGpuIndices(0).addGpuIndices(1)
                        .addGpuIndices(2).addGpuIndices(3))
                .addAllocation(NodeAllocation.newBuilder().setNode("node-2").addGpuIndices(4).addGpuIndices(5)
                        .addGpuIndices(6).addGpuIndices(7))
                .setOutputPath("/home/alice/exp/rota-7.out").setAttempts(1).build();
    }

    /** bob's evaluation, pending for Resources. */
    static Job pendingEvaluation() {
        return Job.newBuilder().setId(12).setUser("bob").setState(JobState.JOB_STATE_PENDING).setReason("Resources")
                .setSpec(JobSpec.newBuilder().setName("eval").setNodes(1).setGpusPerNode(8)
                        .setTimeLimit(Duration.newBuilder().setSeconds(600)).setWorkingDir("/home/bob"))
                .setAccount("ml-eval").setPartition("gpu").setSubmitTime(at("2026-11-23T11:59:00Z")).build();
    }

    /** alice's sweep, finished: ran 1:05 on node-2 and exited 0. */
    static Job completedSweep() {
        return Job.newBuilder().setId(3).setUser("alice").setState(JobState.JOB_STATE_COMPLETED).setExitCode(0)
                .setSpec(JobSpec.newBuilder().setName("sweep").setNodes(1).setGpusPerNode(1)
                        .setTimeLimit(Duration.newBuilder().setSeconds(3600)).setWorkingDir("/home/alice"))
                .setAccount("ml-research").setPartition("debug")
                .setSubmitTime(at("2026-11-23T09:00:00Z")).setStartTime(at("2026-11-23T09:00:10Z"))
                .setEndTime(at("2026-11-23T09:01:15Z")).setNodelist("node-2")
                .addAllocation(NodeAllocation.newBuilder().setNode("node-2").addGpuIndices(3))
                .setOutputPath("/home/alice/sweep.out").setErrorPath("/home/alice/sweep.err").setAttempts(1).build();
    }

    /** node-1: 4 of its 8 GPUs held by job 7. */
    static Node node1() {
        return Node.newBuilder().setName("node-1").setState(NodeState.NODE_STATE_MIXED).setAddress("10.0.0.1:7071")
                .setGpuModel("NVIDIA H100 80GB HBM3").setGpusTotal(8).setGpusAllocated(4).addRunningJobIds(7)
                .addPartitions("gpu")
                .addGpus(Gpu.newBuilder().setIndex(0).setUuid("GPU-aaaa").setModel("NVIDIA H100 80GB HBM3")
                        .setMemoryBytes(85_520_809_984L))
                .build();
    }

    /** node-3: drained by root for a failing fan, empty. */
    static Node drainedNode3() {
        return Node.newBuilder().setName("node-3").setState(NodeState.NODE_STATE_DRAINED).setAddress("10.0.0.3:7071")
                .setGpuModel("NVIDIA H100 80GB HBM3").setGpusTotal(8).setGpusAllocated(0).setReason("fan failing")
                .setDrainedBy("root").setDrainedAt(at("2026-11-22T08:00:00Z")).addPartitions("gpu").build();
    }
}
