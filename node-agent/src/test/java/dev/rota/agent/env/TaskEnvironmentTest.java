package dev.rota.agent.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rota.agent.Launches;
import dev.rota.agent.v1.LaunchJob;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskEnvironmentTest {

    /** Job 42, attempt 3: node-a (GPUs 0,1) and node-b (GPUs 4,5), 2 tasks per node. */
    static final LaunchJob JOB = Launches.job(42, 3, Path.of("/home/alice/run"), "srun python train.py",
                    Launches.node("node-a", "10.0.0.1:6001", 0, 1),
                    Launches.node("node-b", "10.0.0.2:6001", 4, 5))
            .setJobName("train")
            .setNtasksPerNode(2)
            .setNodelist("node-[a-b]")
            .setMasterPort(29511)
            .build();

    static Stream<Arguments> tasks() {
        // name, node index, proc id, local id, expected node name, expected CUDA_VISIBLE_DEVICES
        return Stream.of(
                Arguments.of("rank 0 on node-a", 0, 0, 0, "node-a", "0,1"),
                Arguments.of("rank 1 on node-a", 0, 1, 1, "node-a", "0,1"),
                Arguments.of("rank 2 on node-b", 1, 2, 0, "node-b", "4,5"),
                Arguments.of("rank 3 on node-b", 1, 3, 1, "node-b", "4,5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tasks")
    void perTaskVariables(String name, int node, int proc, int local, String nodeName, String cuda) {
        Map<String, String> env = TaskEnvironment.variables(JOB, node, 2, proc, local);

        assertThat(env)
                .containsEntry("RANK", String.valueOf(proc))
                .containsEntry("SLURM_PROCID", String.valueOf(proc))
                .containsEntry("LOCAL_RANK", String.valueOf(local))
                .containsEntry("SLURM_LOCALID", String.valueOf(local))
                .containsEntry("NODE_RANK", String.valueOf(node))
                .containsEntry("SLURM_NODEID", String.valueOf(node))
                .containsEntry("SLURMD_NODENAME", nodeName)
                .containsEntry("CUDA_VISIBLE_DEVICES", cuda)
                .containsEntry("SLURM_GPUS_ON_NODE", "2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tasks")
    void jobWideVariablesAreTheSameForEveryTask(String name, int node, int proc, int local) {
        Map<String, String> env = TaskEnvironment.variables(JOB, node, 2, proc, local);

        assertThat(env)
                .containsEntry("MASTER_ADDR", "10.0.0.1")
                .containsEntry("MASTER_PORT", "29511")
                .containsEntry("WORLD_SIZE", "4")
                .containsEntry("LOCAL_WORLD_SIZE", "2")
                .containsEntry("SLURM_NTASKS", "4")
                .containsEntry("SLURM_NPROCS", "4")
                .containsEntry("SLURM_NTASKS_PER_NODE", "2")
                .containsEntry("SLURM_NNODES", "2")
                .containsEntry("SLURM_JOB_NUM_NODES", "2")
                .containsEntry("SLURM_JOB_NODELIST", "node-[a-b]")
                .containsEntry("SLURM_NODELIST", "node-[a-b]")
                .containsEntry("SLURM_JOB_ID", "42")
                .containsEntry("SLURM_JOBID", "42")
                .containsEntry("SLURM_JOB_NAME", "train")
                .containsEntry("SLURM_SUBMIT_DIR", "/home/alice/run")
                .containsEntry("SLURM_JOB_USER", "alice")
                .containsEntry("SLURM_JOB_ACCOUNT", "research")
                .containsEntry("SLURM_JOB_PARTITION", "gpu")
                .containsEntry("ROTA_JOB_ID", "42")
                .containsEntry("ROTA_ALLOCATION", "42.3")
                .containsEntry("ROTA_STEP_NODES", "node-a=10.0.0.1:6001,node-b=10.0.0.2:6001")
                .containsEntry("ROTA_NTASKS_PER_NODE", "2");
    }

    @Test
    void batchScriptGetsRankZeroOfNodeZero() {
        Map<String, String> env = TaskEnvironment.batch(JOB, 0);

        assertThat(env)
                .containsEntry("RANK", "0")
                .containsEntry("LOCAL_RANK", "0")
                .containsEntry("NODE_RANK", "0")
                .containsEntry("SLURM_PROCID", "0")
                .containsEntry("WORLD_SIZE", "4")
                .containsEntry("SLURMD_NODENAME", "node-a");
    }

    @Test
    void zeroTasksPerNodeMeansOne() {
        LaunchJob job = JOB.toBuilder().setNtasksPerNode(0).build();

        assertThat(TaskEnvironment.batch(job, 0))
                .containsEntry("SLURM_NTASKS", "2")
                .containsEntry("SLURM_NTASKS_PER_NODE", "1")
                .containsEntry("LOCAL_WORLD_SIZE", "1");
    }

    @Test
    void noGpusGiveAnEmptyDeviceList() {
        LaunchJob job = Launches.job(1, 0, Path.of("/tmp"), "true", Launches.node("cpu-1", "h:1")).build();

        assertThat(TaskEnvironment.batch(job, 0))
                .containsEntry("CUDA_VISIBLE_DEVICES", "")
                .containsEntry("SLURM_GPUS_ON_NODE", "0");
    }

    @Test
    void ourVariablesOverrideTheSubmittersEnvironment() {
        Map<String, String> submitted = Map.of("HOME", "/home/alice", "RANK", "99", "SLURM_JOB_ID", "7");

        Map<String, String> env = TaskEnvironment.merge(submitted, TaskEnvironment.variables(JOB, 1, 2, 3, 1));

        assertThat(env)
                .containsEntry("HOME", "/home/alice")
                .containsEntry("RANK", "3")
                .containsEntry("SLURM_JOB_ID", "42");
    }

    @Test
    void masterAddrIsTheHostOfTheFirstNode() {
        assertThat(TaskEnvironment.host("10.0.0.1:6001")).isEqualTo("10.0.0.1");
        assertThat(TaskEnvironment.host("gpu-001.cluster:6001")).isEqualTo("gpu-001.cluster");
        assertThat(TaskEnvironment.host("[fd00::1]:6001")).isEqualTo("fd00::1");
        assertThat(TaskEnvironment.host("gpu-001")).isEqualTo("gpu-001");
    }

    @Test
    void aNodeOutsideTheAllocationIsRejected() {
        assertThatThrownBy(() -> TaskEnvironment.variables(JOB, 2, 2, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the allocation of 2 node(s)");
    }
}
