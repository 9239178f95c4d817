package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy file end to end: bin/rotad refuses a broken one with its lines, and with a good one
 * the CLI charges accounts, applies QoS and shows priorities and the share tree.
 */
class PolicyIT {
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)");
    private static final String ME = System.getProperty("user.name");

    @Test
    void a_broken_policy_file_stops_rotad_with_every_problem_and_its_line(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("bad.policy");
        Files.writeString(policy, "Account=lab\nAccount=vision Parent=labb\nQOS=high Priorty=5\n");
        RotaProcesses.Result rotad = RotaProcesses.rotadRefusing(dir, "--policy", policy.toString());

        assertThat(rotad.exit()).isEqualTo(2);
        assertThat(rotad.err())
                .contains(policy + ":2: account 'vision' has parent 'labb', which is not defined")
                .contains(policy + ":3: unknown key 'Priorty' for QOS");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void accounts_qos_priorities_and_shares_through_the_cli(@TempDir Path dir) throws IOException {
        Path policy = dir.resolve("rota.policy");
        Files.writeString(policy, """
                PriorityWeightQOS=20000     # QoS outweighs fair share here
                Partition=gpu Nodes=node-1 Default=yes MaxTime=1-0
                Partition=spare Nodes=node-9 MaxTime=10
                Account=team-a
                Account=team-b
                User=%s Account=team-a Default=yes
                User=%s Account=team-b
                QOS=high Priority=100
                """.formatted(ME, ME));
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon("--policy", policy.toString()).startAgent("node-1", 8);
            Path work = Files.createDirectories(dir.resolve("work"));
            Files.writeString(work.resolve("hold.sh"), "#!/bin/bash\n#SBATCH --gpus-per-node=8 -t 5\nsleep 300\n");
            Files.writeString(work.resolve("wait.sh"), "#!/bin/bash\n#SBATCH --gpus-per-node=8 -t 5\ntrue\n");

            long blocker = submitted(cluster.rota(work, "submit", "hold.sh"));
            long plain = submitted(cluster.rota(work, "submit", "-A", "team-b", "wait.sh"));
            long urgent = submitted(cluster.rota(work, "submit", "--qos", "high", "wait.sh"));
            var noPartition = cluster.rota(work, "submit", "-p", "cpu", "wait.sh");
            assertThat(noPartition.exit()).as(noPartition.toString()).isEqualTo(1);
            assertThat(noPartition.err()).contains("partition 'cpu' does not exist (partitions: gpu, spare)");
            var nodesJson = cluster.rota(work, "nodes", "--json");
            assertThat(nodesJson.out()).as(nodesJson.toString()).containsPattern("\"partitions\": \\[\\s*\"gpu\"\\s*\\]");
            var refused = cluster.rota(work, "submit", "-A", "nope", "wait.sh");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).contains("account 'nope' does not exist");

            // a drain and resume make the scheduler judge the whole queue now
            assertThat(cluster.rota(work, "drain", "node-1", "--reason", "judge").exit()).isZero();
            assertThat(cluster.rota(work, "resume", "node-1").exit()).isZero();

            var priority = cluster.rota(work, "priority", "--json");
            assertThat(priority.exit()).as(priority.toString()).isZero();
            assertThat(priority.out().indexOf("\"job_id\": " + urgent))
                    .as("the high-QoS job ranks first:\n" + priority.out())
                    .isNotNegative().isLessThan(priority.out().indexOf("\"job_id\": " + plain));
            assertThat(priority.out()).contains("\"account\": \"team-b\"").contains("\"qos\": \"high\"")
                    .contains("\"qos\": 20000");

            var share = cluster.rota(work, "share");
            assertThat(share.exit()).as(share.toString()).isZero();
            assertThat(share.out()).contains("team-a").contains("team-b").contains(ME).contains("FAIRSHARE");

            var explain = cluster.rota(work, "explain", Long.toString(plain));
            assertThat(explain.exit()).as(explain.toString()).isZero();
            assertThat(explain.out()).as(explain.toString()).startsWith("Job " + plain + " is PENDING")
                    .contains("it needs 1 node(s) with 8 free GPU(s) each");
            var explainJson = cluster.rota(work, "explain", "--json", Long.toString(urgent));
            assertThat(explainJson.out()).as(explainJson.toString()).contains("\"reason\": \"Resources\"")
                    .contains("\"estimated_start_time\": \"");
            assertThat(cluster.rota(work, "explain", "999").exit()).isEqualTo(1);

            // The admin adds an account and reloads: new submissions may charge it at once.
            Files.writeString(policy, Files.readString(policy) + "Account=team-c\nUser=" + ME + " Account=team-c\n");
            assertThat(cluster.rota(work, "submit", "-A", "team-c", "wait.sh").exit()).as("before the reload").isEqualTo(1);
            cluster.hangUpDaemon();
            cluster.await("the reloaded policy to admit team-c", java.time.Duration.ofSeconds(30),
                    () -> cluster.rota(work, "submit", "-A", "team-c", "wait.sh").exit() == 0);
            // A broken edit is refused and the running policy stays.
            Files.writeString(policy, "Account=broken Parent=nowhere\n");
            cluster.hangUpDaemon();
            cluster.await("rotad to log the broken policy", java.time.Duration.ofSeconds(30),
                    () -> cluster.log("rotad").contains("the policy file is invalid; keeping the running policy"));
            assertThat(cluster.log("rotad")).contains(policy + ":1: account 'broken' has parent 'nowhere'");
            var stillTeamC = cluster.rota(work, "submit", "-A", "team-c", "wait.sh");
            assertThat(stillTeamC.exit()).as(stillTeamC.toString()).isZero();

            var show = cluster.rota(work, "show", Long.toString(blocker));
            assertThat(show.out()).as(show.toString()).contains("team-a");
            cluster.rota(work, "cancel", Long.toString(blocker), Long.toString(plain), Long.toString(urgent));
        }
    }

    private static long submitted(RotaProcesses.Result r) {
        Matcher m = SUBMITTED.matcher(r.out());
        assertThat(m.find()).as(r.toString()).isTrue();
        return Long.parseLong(m.group(1));
    }
}
