package dev.rota.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.rota.api.v1.BackupResponse;
import dev.rota.api.v1.Gpu;
import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.Node;
import dev.rota.api.v1.NodeAllocation;
import dev.rota.api.v1.NodeState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON documents exactly as docs/cli-json.md shows them: changing one is changing the contract. */
class JsonSchemaTest {

    private static Timestamp at(String iso) {
        Instant instant = Instant.parse(iso);
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    @Test
    void aRunningJob() {
        Job job = Job.newBuilder().setId(42).setUser("alice").setState(JobState.JOB_STATE_RUNNING)
                .setSpec(JobSpec.newBuilder().setName("train-llm").setNodes(2).setNtasksPerNode(8).setGpusPerNode(4)
                        .setTimeLimit(Duration.newBuilder().setSeconds(86_400)).setWorkingDir("/home/alice/exp")
                        .setScript("#!/bin/bash\nsrun python train.py\n").putEnvironment("SECRET", "not exported"))
                .setAccount("ml-research").setPartition("gpu")
                .setSubmitTime(at("2026-11-23T04:05:06Z")).setStartTime(at("2026-11-23T04:05:09.750Z"))
                .setNodelist("node-[1-2]")
                .addAllocation(NodeAllocation.newBuilder().setNode("node-1").addGpuIndices(0).addGpuIndices(1))
                .addAllocation(NodeAllocation.newBuilder().setNode("node-2").addGpuIndices(4).addGpuIndices(5))
                .setOutputPath("/home/alice/exp/rota-42.out").setAttempts(1).build();

        assertThat(JobJson.single(job)).isEqualTo("""
                {
                  "id": 42,
                  "name": "train-llm",
                  "user": "alice",
                  "account": "ml-research",
                  "qos": null,
                  "partition": "gpu",
                  "state": "RUNNING",
                  "reason": null,
                  "exit_code": null,
                  "nodes": 2,
                  "ntasks_per_node": 8,
                  "gpus_per_node": 4,
                  "time_limit_seconds": 86400,
                  "submit_time": "2026-11-23T04:05:06Z",
                  "start_time": "2026-11-23T04:05:09Z",
                  "end_time": null,
                  "estimated_start_time": null,
                  "nodelist": "node-[1-2]",
                  "allocation": [
                    {
                      "node": "node-1",
                      "gpus": [
                        0,
                        1
                      ]
                    },
                    {
                      "node": "node-2",
                      "gpus": [
                        4,
                        5
                      ]
                    }
                  ],
                  "output_path": "/home/alice/exp/rota-42.out",
                  "error_path": "/home/alice/exp/rota-42.out",
                  "working_dir": "/home/alice/exp",
                  "attempts": 1,
                  "energy_joules": null
                }
                """);
    }

    @Test
    void aPendingJobHasNullsWhereNothingHappenedYet() {
        Job job = Job.newBuilder().setId(43).setUser("bob").setState(JobState.JOB_STATE_PENDING).setReason("Priority")
                .setSpec(JobSpec.newBuilder().setName("caf\u00e9 \"eval\"").setNodes(1).setAccount("asked-for"))
                .setSubmitTime(at("2026-11-23T04:05:06Z")).setEstimatedStartTime(at("2026-11-23T05:00:00Z")).build();

        assertThat(JobJson.list(List.of(job))).isEqualTo("""
                {
                  "jobs": [
                    {
                      "id": 43,
                      "name": "caf\\u00e9 \\"eval\\"",
                      "user": "bob",
                      "account": "asked-for",
                      "qos": null,
                      "partition": null,
                      "state": "PENDING",
                      "reason": "Priority",
                      "exit_code": null,
                      "nodes": 1,
                      "ntasks_per_node": 1,
                      "gpus_per_node": 0,
                      "time_limit_seconds": null,
                      "submit_time": "2026-11-23T04:05:06Z",
                      "start_time": null,
                      "end_time": null,
                      "estimated_start_time": "2026-11-23T05:00:00Z",
                      "nodelist": null,
                      "allocation": [],
                      "output_path": null,
                      "error_path": null,
                      "working_dir": null,
                      "attempts": 0,
                      "energy_joules": null
                    }
                  ]
                }
                """);
    }

    @Test
    void aFailedJobHasItsExitCode() {
        Job job = Job.newBuilder().setId(44).setState(JobState.JOB_STATE_NODE_FAIL).setExitCode(137).build();

        assertThat(JobJson.single(job)).contains("\"state\": \"NODE_FAIL\",", "\"exit_code\": 137,");
    }

    @Test
    void aJobWithEnergyShowsItInJoules() {
        Job job = Job.newBuilder().setId(45).setState(JobState.JOB_STATE_COMPLETED).setEnergyJoules(5_400_000.5).build();

        assertThat(JobJson.single(job)).contains("\"energy_joules\": 5400000.5\n");
        assertThat(JobDetails.render(job, java.time.Instant.EPOCH, java.time.ZoneOffset.UTC))
                .contains("\nEnergy=5400001J (1.500kWh)\n");
    }

    @Test
    void anEmptyQueue() {
        assertThat(JobJson.list(List.of())).isEqualTo("{\n  \"jobs\": []\n}\n");
    }

    @Test
    void aSubmittedJob() {
        assertThat(JobJson.submitted(42)).isEqualTo("{\n  \"job_id\": 42\n}\n");
    }

    @Test
    void aDrainingNode() {
        Node node = Node.newBuilder().setName("node-1").setState(NodeState.NODE_STATE_DRAINING)
                .setAddress("10.0.0.1:7071").setGpuModel("NVIDIA H100 80GB HBM3").setGpusTotal(8).setGpusAllocated(2)
                .setReason("ECC errors").setDrainedBy("root").setDrainedAt(at("2026-11-23T04:05:06Z"))
                .addRunningJobIds(42).addPartitions("gpu").addSwitches("spine1").addSwitches("leaf01")
                .addGpus(Gpu.newBuilder().setIndex(0).setUuid("GPU-5f1c").setModel("NVIDIA H100 80GB HBM3")
                        .setMemoryBytes(85_520_809_984L).setHealth("FAILED").addHealthConditions("XID 79"))
                .setHeartbeatAge(com.google.protobuf.Duration.newBuilder().setSeconds(4).setNanos(900_000_000))
                .setAgentVersion("0.1.0").addHealthWarnings("gpu 0: XID 79")
                .build();
        Node idle = Node.newBuilder().setName("node-2").setState(NodeState.NODE_STATE_IDLE).setGpusTotal(0).build();

        assertThat(NodeJson.list(List.of(node, idle))).isEqualTo("""
                {
                  "nodes": [
                    {
                      "name": "node-1",
                      "state": "DRAINING",
                      "address": "10.0.0.1:7071",
                      "gpu_model": "NVIDIA H100 80GB HBM3",
                      "gpus_total": 8,
                      "gpus_allocated": 2,
                      "reason": "ECC errors",
                      "drained_by": "root",
                      "drained_at": "2026-11-23T04:05:06Z",
                      "running_job_ids": [
                        42
                      ],
                      "partitions": [
                        "gpu"
                      ],
                      "switches": [
                        "spine1",
                        "leaf01"
                      ],
                      "gpus": [
                        {
                          "index": 0,
                          "uuid": "GPU-5f1c",
                          "model": "NVIDIA H100 80GB HBM3",
                          "memory_bytes": 85520809984,
                          "health": "FAILED",
                          "health_conditions": [
                            "XID 79"
                          ]
                        }
                      ],
                      "heartbeat_age_seconds": 4,
                      "agent_version": "0.1.0",
                      "health_warnings": [
                        "gpu 0: XID 79"
                      ]
                    },
                    {
                      "name": "node-2",
                      "state": "IDLE",
                      "address": null,
                      "gpu_model": null,
                      "gpus_total": 0,
                      "gpus_allocated": 0,
                      "reason": null,
                      "drained_by": null,
                      "drained_at": null,
                      "running_job_ids": [],
                      "partitions": [],
                      "switches": [],
                      "gpus": [],
                      "heartbeat_age_seconds": null,
                      "agent_version": null,
                      "health_warnings": []
                    }
                  ]
                }
                """);
    }

    @Test
    void aBackup() {
        BackupResponse backup = BackupResponse.newBuilder().setDirectory("/srv/backups/rota-0101")
                .setSizeBytes(3_670_016).setJobs(1204).setTakenAt(at("2026-11-23T04:05:06.750Z")).build();

        assertThat(BackupJson.of(backup)).isEqualTo("""
                {
                  "directory": "/srv/backups/rota-0101",
                  "size_bytes": 3670016,
                  "jobs": 1204,
                  "taken_at": "2026-11-23T04:05:06Z"
                }
                """);
    }
}
