package dev.rota.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyFileTest {

    private static final String LAB = """
            # the lab's policy
            PriorityWeightFairShare=20000
            PriorityDecayHalfLife=14-0
            UnlistedUsers=REJECT
            Account=lab    Parent=root Shares=60 MaxGPUs=256 GpuHourBudget=100000
            Account=vision Parent=lab  Shares=2  MaxGPUsPerUser=16   # per user
            Account=speech Parent=lab
            user=alice account=vision shares=2
            User=alice Account=speech Default=yes
            User=bob   Account=speech
            QOS=high Priority=1000 MaxGPUsPerUser=64
            """;

    @Test
    void a_lab_policy_reads_as_written() throws Exception {
        Policy p = PolicyFile.parse(LAB, "rota.policy");

        assertThat(p.accounts().keySet()).containsExactly("lab", "root", "speech", "vision");
        assertThat(p.accounts().get("vision").parent()).isEqualTo("lab");
        assertThat(p.accounts().get("speech").shares()).isEqualTo(1);
        assertThat(p.accounts().get("lab").limits().maxGpus()).hasValue(256);
        assertThat(p.accounts().get("lab").gpuHourBudget()).hasValue(100000);
        assertThat(p.accounts().get("vision").limits().maxGpusPerUser()).hasValue(16);
        assertThat(p.sharesOf(new UsageKey("vision", "alice"))).isEqualTo(2);
        assertThat(p.defaultAccounts()).containsEntry("alice", "speech").containsEntry("bob", "speech");
        assertThat(p.qos().keySet()).containsExactly("high", "normal");
        assertThat(p.weights().fairShare()).isEqualTo(20000);
        assertThat(p.weights().age()).isEqualTo(PriorityWeights.DEFAULTS.age());
        assertThat(p.usageHalfLife()).isEqualTo(Duration.ofDays(14));
        assertThat(p.unlistedUsersAccount()).isEmpty();
        assertThat(p.lineage("vision")).containsExactly("vision", "lab", "root");
    }

    @Test
    void submissions_resolve_to_an_account_the_user_may_charge() throws Exception {
        Policy p = PolicyFile.parse(LAB, "rota.policy");

        assertThat(p.resolve("alice", "", "")).isEqualTo(new Policy.Resolution.Resolved("speech", "normal"));
        assertThat(p.resolve("alice", "vision", "high")).isEqualTo(new Policy.Resolution.Resolved("vision", "high"));
        assertThat(p.resolve("bob", "vision", "")).isEqualTo(new Policy.Resolution.Refused(
                "user 'bob' may not charge account 'vision' (their accounts: speech)"));
        assertThat(p.resolve("carol", "", "")).isEqualTo(new Policy.Resolution.Refused(
                "user 'carol' has no account: an admin adds a line 'User=carol Account=NAME' to the policy file"));
        assertThat(p.resolve("alice", "", "urgent")).isEqualTo(new Policy.Resolution.Refused(
                "QoS 'urgent' does not exist (QoS: high, normal)"));
        assertThat(p.resolve("alice", "nope", "")).isEqualTo(new Policy.Resolution.Refused(
                "account 'nope' does not exist"));
    }

    @Test
    void without_a_file_every_user_charges_the_default_account() {
        Policy p = Policy.open("default");
        assertThat(p.resolve("anyone", "", "")).isEqualTo(new Policy.Resolution.Resolved("default", "normal"));
        assertThat(p.resolve("anyone", "default", "")).isEqualTo(new Policy.Resolution.Resolved("default", "normal"));
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("unknown key", "Account=a Sharez=3\n",
                        "p:1: unknown key 'Sharez' for Account (known: account, gpuhourbudget, maxgpus, maxgpusperuser, "
                                + "maxjobs, maxjobsperuser, parent, shares)"),
                Arguments.of("unknown line", "\n\nReservation=gpu\n", "p:3: unknown key 'Reservation'"),
                Arguments.of("partition without nodes", "Partition=gpu\n", "p:1: Partition=gpu needs Nodes=HOSTLIST"),
                Arguments.of("bad hostlist", "Partition=gpu Nodes=gpu[1-\n", "p:1: "),
                Arguments.of("two default partitions", "Partition=a Nodes=ALL Default=yes\nPartition=b Nodes=ALL Default=yes\n",
                        "p:2: partition 'a' is already the default (line 1)"),
                Arguments.of("not key=value", "Account=a Shares\n", "p:1: expected Key=Value, found 'Shares'"),
                Arguments.of("negative shares", "Account=a Shares=-1\n", "p:1: Shares must be a whole number >= 0"),
                Arguments.of("missing parent", "Account=a Parent=b\n",
                        "p:1: account 'a' has parent 'b', which is not defined"),
                Arguments.of("loop", "Account=a Parent=b\nAccount=b Parent=a\n", "p:1: account 'a' is its own ancestor"),
                Arguments.of("twice", "Account=a\nAccount=a\n", "p:2: account 'a' is already defined on line 1"),
                Arguments.of("user in unknown account", "User=x Account=nope\n",
                        "p:1: user 'x' is put in account 'nope', which is not defined"),
                Arguments.of("two defaults", "Account=a\nAccount=b\nUser=x Account=a Default=yes\n"
                        + "User=x Account=b Default=yes\n", "p:4: user 'x' already has default account 'a' (line 3)"),
                Arguments.of("spaces in a value", "PriorityDecayHalfLife=a week\n", "p:1: expected Key=Value, found 'week'"),
                Arguments.of("bad time value", "PriorityDecayHalfLife=week\n", "p:1: PriorityDecayHalfLife: invalid"),
                Arguments.of("unknown default qos", "DefaultQOS=gold\n", "p:1: DefaultQOS 'gold' is not defined"),
                Arguments.of("unknown unlisted account", "UnlistedUsers=guests\n",
                        "p:1: UnlistedUsers account 'guests' is not defined"),
                Arguments.of("unknown preempt target", "QOS=high Preempt=low\n",
                        "p:1: QOS 'high' may preempt 'low', which is not defined"),
                Arguments.of("self preemption", "QOS=high Preempt=high\n", "p:1: QoS 'high' may not preempt itself"),
                Arguments.of("bad preempt mode", "QOS=low PreemptMode=SUSPEND\n",
                        "p:1: PreemptMode must be REQUEUE or CANCEL, not 'SUSPEND'"),
                Arguments.of("bad budget", "Account=a GpuHourBudget=lots\n",
                        "p:1: GpuHourBudget must be a positive number, not 'lots'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void a_broken_file_is_refused_with_the_line_and_the_problem(String name, String text, String expected) {
        assertThatThrownBy(() -> PolicyFile.parse(text, "p"))
                .isInstanceOf(PolicyFile.InvalidPolicyException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void every_problem_is_reported_not_only_the_first() {
        assertThatThrownBy(() -> PolicyFile.parse("Account=a Parent=x\nAccount=b Bogus=1\nUser=u Account=zz\n", "p"))
                .isInstanceOfSatisfying(PolicyFile.InvalidPolicyException.class, e -> assertThat(e.problems())
                        .hasSize(3).anyMatch(s -> s.startsWith("p:1:")).anyMatch(s -> s.startsWith("p:2:"))
                        .anyMatch(s -> s.startsWith("p:3:")));
    }

    @Test
    void partitions_are_node_sets_with_a_cap_and_a_tier() throws Exception {
        Policy p = PolicyFile.parse("""
                Partition=batch Nodes=gpu[001-004],gpu010 MaxTime=2-0 Default=yes
                Partition=interactive Nodes=gpu[009-010] MaxTime=4:00:00 PriorityTier=2
                Partition=all Nodes=ALL
                """, "p");
        assertThat(p.defaultPartition()).isEqualTo("batch");
        assertThat(p.partitions().get("batch").nodes()).containsExactlyInAnyOrder("gpu001", "gpu002", "gpu003",
                "gpu004", "gpu010");
        assertThat(p.partitions().get("batch").maxTime()).hasValue(Duration.ofDays(2));
        assertThat(p.partitions().get("interactive").tier()).isEqualTo(2);
        assertThat(p.partitionsOf("gpu010")).containsExactly("all", "batch", "interactive");
        assertThat(p.partitionsOf("gpu099")).containsExactly("all");
        assertThat(PolicyFile.parse("Account=a\n", "p").partitions().keySet()).containsExactly("main");
    }
}
