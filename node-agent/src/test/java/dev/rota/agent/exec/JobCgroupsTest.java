package dev.rota.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.agent.Launches;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.KillJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Job cgroups against a fake cgroup v2 tree in a temporary directory: plain files stand for the
 * control files, so these tests check what is written where, not what the kernel does with it.
 * (This build machine has cgroup v1 at /sys/fs/cgroup, so there is no real cgroup v2 to write.)
 */
class JobCgroupsTest {

    @TempDir
    Path root;

    private void fakeCgroup2(String cpus) throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(root.resolve("cpuset.cpus.effective"), cpus + "\n");
    }

    private JobCgroups detect() {
        JobCgroups.Detection d = JobCgroups.detect(root, "rota.slice");
        assertThat(d).isInstanceOf(JobCgroups.Detection.Enforcing.class);
        return ((JobCgroups.Detection.Enforcing) d).cgroups();
    }

    @Test
    void aCgroupV1MountIsNotEnforcedAndSaysWhy() {
        assertThat(JobCgroups.detect(root, "rota.slice")).isEqualTo(new JobCgroups.Detection.NotEnforcing(
                root + " is not a cgroup v2 hierarchy (no cgroup.controllers; cgroup v1?)"));
    }

    @Test
    void aHierarchyWithoutTheMemoryControllerIsNotEnforced() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset pids\n");

        assertThat(JobCgroups.detect(root, "rota.slice")).isEqualTo(
                new JobCgroups.Detection.NotEnforcing("the memory controller is not available in " + root));
    }

    @Test
    void detectionEnablesTheControllersDownToTheParent() throws Exception {
        fakeCgroup2("0-7");

        JobCgroups.Detection d = JobCgroups.detect(root, "system.slice/rota.slice");

        assertThat(d).isInstanceOf(JobCgroups.Detection.Enforcing.class);
        for (Path level : List.of(root, root.resolve("system.slice"), root.resolve("system.slice/rota.slice"))) {
            assertThat(level.resolve("cgroup.subtree_control")).hasContent("+memory +cpuset");
        }
    }

    @Test
    void aJobCgroupGetsItsMemoryLimitAndTheLeastUsedCpus() throws Exception {
        fakeCgroup2("0-3,8-9");
        JobCgroups cgroups = detect();

        Path a = cgroups.create("job-1.1", 1L << 30, 3);
        Path b = cgroups.create("job-2.1", 0, 2);
        Path c = cgroups.create("job-3.1", 0, 2);

        assertThat(a).isEqualTo(root.resolve("rota.slice/job-1.1"));
        assertThat(a.resolve("memory.max")).hasContent("1073741824");
        assertThat(a.resolve("cpuset.cpus")).hasContent("0-2");
        assertThat(b.resolve("memory.max")).hasContent("max");
        assertThat(b.resolve("cpuset.cpus")).hasContent("3,8");
        assertThat(c.resolve("cpuset.cpus")).as("only 9 is unused; then the least used, lowest first")
                .hasContent("0,9");

        cgroups.remove(b);
        assertThat(cgroups.create("job-4.1", 0, 2).resolve("cpuset.cpus")).hasContent("3,8");
    }

    @Test
    void noCpuCountLeavesTheCpuSetAlone() throws Exception {
        fakeCgroup2("0-3");

        assertThat(detect().create("job-5.1", 0, 0).resolve("cpuset.cpus")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"0;0", "0-3;0-3", "0-1,4,6-7;0-1,4,6-7", " 2 , 5-6 ;2,5-6"})
    void cpuListsReadAndWriteBack(String text, String canonical) {
        assertThat(JobCgroups.formatCpuList(JobCgroups.parseCpuList(text))).isEqualTo(canonical);
    }

    /** The supervisor puts the batch shell into the job's cgroup before the script runs. */
    @Test
    void aJobRunsInsideItsCgroupWithItsLimits(@TempDir Path work, @TempDir Path spool) throws Exception {
        fakeCgroup2("0-15");
        BlockingQueue<AllocationEnded> reports = new LinkedBlockingQueue<>();
        JobSupervisor supervisor = new JobSupervisor("node-1", spool, ExecutionSettings.DEFAULTS
                .withCgroups(Optional.of(new ExecutionSettings.Cgroups(root, "rota.slice"))));
        try {
            assertThat(supervisor.limitsEnforced()).isTrue();
            supervisor.addListener(reports::add);
            supervisor.launch(Launches.job(7, 1, work, "echo $$ > pid\n", Launches.node("node-1", "127.0.0.1:1", 0))
                    .setMemPerNodeBytes(2L << 30).setCpusPerTask(2).setNtasksPerNode(2).build());

            assertThat(reports.poll(10, TimeUnit.SECONDS)).isNotNull();
            Path cg = root.resolve("rota.slice/job-7.1");
            assertThat(cg.resolve("memory.max")).hasContent("2147483648");
            assertThat(cg.resolve("cpuset.cpus")).hasContent("0-3");
            assertThat(Files.readString(cg.resolve("cgroup.procs")).strip())
                    .isEqualTo(Files.readString(work.resolve("pid")).strip());

            // The script is gone; clear the fake member list so no stale pid is ever signalled.
            Files.writeString(cg.resolve("cgroup.procs"), "");
            Files.writeString(cg.resolve("cgroup.kill"), "");
            supervisor.kill(KillJob.newBuilder().setAllocation(AllocationRef.newBuilder().setJobId(7).setAttempt(1))
                    .setSignal("KILL").build()).get(10, TimeUnit.SECONDS);
            assertThat(cg.resolve("cgroup.kill")).as("the release kills the whole cgroup").hasContent("1");
        } finally {
            supervisor.close();
        }
    }

    @Test
    void withoutCgroupV2TheSupervisorSaysLimitsAreNotEnforced(@TempDir Path spool) {
        JobSupervisor supervisor = new JobSupervisor("node-1", spool, ExecutionSettings.DEFAULTS
                .withCgroups(Optional.of(new ExecutionSettings.Cgroups(root, "rota.slice"))));
        try {
            assertThat(supervisor.limitsEnforced()).isFalse();
            assertThat(supervisor.limitsNotEnforcedBecause()).contains("not a cgroup v2 hierarchy");
        } finally {
            supervisor.close();
        }
    }
}
