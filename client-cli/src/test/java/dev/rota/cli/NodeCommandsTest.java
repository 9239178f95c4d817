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

    @Test
    void nodesShowsStateGpusModelAddressAndReason() {
        var result = rotad.rota("nodes");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                NODE    STATE    GPUS(ALLOC/TOTAL)  MODEL                  ADDRESS        REASON
                node-1  mixed                  4/8  NVIDIA H100 80GB HBM3  10.0.0.1:7071
                node-3  drained                0/8  NVIDIA H100 80GB HBM3  10.0.0.3:7071  fan failing
                """);
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
