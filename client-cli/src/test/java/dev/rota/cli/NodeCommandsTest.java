package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.DrainNodeRequest;
import dev.rota.api.v1.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeCommandsTest {
    private final FakeRotad rotad = new FakeRotad().with(Examples.node1()).with(Examples.drainedNode3());

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    private static dev.rota.api.v1.Node healthyNode2() {
        return Examples.node1().toBuilder().setName("node-2").setAddress("10.0.0.2:7071").setGpusAllocated(8)
                .setState(dev.rota.api.v1.NodeState.NODE_STATE_ALLOCATED).addPartitions("debug")
                .setHeartbeatAge(com.google.protobuf.Duration.newBuilder().setSeconds(3)).setAgentVersion("0.1.0")
                .setGpus(0, Examples.node1().getGpus(0).toBuilder().setHealth("WARNING").addHealthConditions("hot: 91 C"))
                .addGpus(dev.rota.api.v1.Gpu.newBuilder().setIndex(1).setUuid("GPU-bbbb").setModel("NVIDIA H100 80GB HBM3")
                        .setHealth("OK"))
                .addHealthWarnings("gpu 0: 91 C").build();
    }

    @Test
    void nodesGroupsByPartitionStateAndModelLikeSinfo() {
        rotad.with(healthyNode2());
        var result = rotad.rota("nodes");

        assertThat(result.exitCode()).isZero();
        Golden.assertMatches("nodes-summary", result.out());
    }

    @Test
    void nodesLongShowsHealthHeartbeatAndWhoDrainedWhen() {
        rotad.with(healthyNode2());
        var result = rotad.rota("nodes", "--long");

        assertThat(result.exitCode()).isZero();
        Golden.assertMatches("nodes-long", result.out());
    }

    @Test
    void nodeShowPrintsOneNodeAndNamesAnUnknownOne() {
        rotad.with(healthyNode2());
        var shown = rotad.rota("node", "show", "node-2");
        var json = rotad.rota("node", "show", "node-2", "--json");
        var missing = rotad.rota("node", "show", "node-9");

        Golden.assertMatches("node-show", shown.out());
        assertThat(json.out()).startsWith("{\n  \"name\": \"node-2\",").contains("\"heartbeat_age_seconds\": 3",
                "\"health\": \"WARNING\"", "\"health_warnings\": [\n    \"gpu 0: 91 C\"");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("rota: node node-9 does not exist (rota nodes lists them)\n");
    }

    @Test
    void drainAndResumeAcceptHostlistsAndGoOnPastAnUnknownNode() {
        var drain = rotad.rota("drain", "node-[1,3,9]", "--reason", "rack power work");

        assertThat(drain.exitCode()).isEqualTo(1);
        assertThat(drain.out()).isEqualTo("Node node-1 is now draining (1 job still running)\nNode node-3 is now drained\n");
        assertThat(drain.err()).isEqualTo("rota: node node-9 does not exist\n");
        assertThat(rotad.drains).extracting(DrainNodeRequest::getName).containsExactly("node-1", "node-3", "node-9");

        var resume = rotad.rota("resume", "node-[1-1]", "node-3");
        assertThat(resume.exitCode()).isZero();
        assertThat(resume.out()).isEqualTo("Node node-1 is now mixed\nNode node-3 is now idle\n");
    }

    @Test
    void aMalformedHostlistIsAUsageError() {
        var result = rotad.rota("drain", "node-[3-1", "--reason", "x");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(rotad.drains).isEmpty();
    }

    @Test
    void nodesJsonListsTheNodesUnderNodes() {
        var result = rotad.rota("nodes", "--json");

        assertThat(result.out()).startsWith("{\n  \"nodes\": [\n    {\n      \"name\": \"node-1\",\n")
                .contains("\"state\": \"DRAINED\"", "\"drained_by\": \"root\"", "\"drained_at\": \"2026-11-22T08:00:00Z\"");
    }

    @Test
    void drainSendsTheReasonAndPrintsTheNewState() {
        var result = rotad.rota("drain", "node-1", "--reason", "ECC errors on GPU 3");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("Node node-1 is now draining (1 job still running)\n");
        assertThat(rotad.drains).containsExactly(
                DrainNodeRequest.newBuilder().setName("node-1").setReason("ECC errors on GPU 3").build());
        assertThat(rotad.nodes.get("node-1").getDrainedBy()).isEqualTo("alice");
    }

    @Test
    void drainWithoutAReasonIsAUsageError() {
        var result = rotad.rota("drain", "node-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: Missing required option: '--reason=TEXT'\n")
                .contains("Try 'rota drain --help'");
        assertThat(rotad.drains).isEmpty();
    }

    @Test
    void drainWithABlankReasonIsAUsageError() {
        var result = rotad.rota("drain", "node-1", "--reason", " ");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(rotad.drains).isEmpty();
    }

    @Test
    void resumePrintsTheNewState() {
        var result = rotad.rota("resume", "node-3");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("Node node-3 is now idle\n");
        assertThat(rotad.nodes.get("node-3").getState()).isEqualTo(NodeState.NODE_STATE_IDLE);
    }

    @Test
    void anUnknownNodeFailsWithExit1() {
        var drain = rotad.rota("drain", "node-9", "--reason", "x");
        var resume = rotad.rota("resume", "node-9");

        assertThat(drain.exitCode()).isEqualTo(1);
        assertThat(drain.err()).isEqualTo("rota: node node-9 does not exist\n");
        assertThat(resume.exitCode()).isEqualTo(1);
        assertThat(resume.err()).isEqualTo("rota: node node-9 does not exist\n");
    }
}
