package dev.rota.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class TopologyFileTest {

    private static final String THREE_LEVELS = """
            # two spines over four leaves of four nodes, plus an NVLink block
            SwitchName=leaf01 Nodes=gpu[001-004]
            SwitchName=leaf02 Nodes=gpu[005-008]   LinkSpeed=400
            switchname=leaf03 nodes=gpu[009-012]
            SwitchName=leaf04 Nodes=gpu[013-016]
            BlockName=nvl01 Nodes=gb[01-18]
            SwitchName=spine1 Switches=leaf[01-02]
            SwitchName=spine2 Switches=leaf[03-04],nvl01
            SwitchName=core Switches=spine[1-2]
            """;

    @Test
    void readsATreeWithLeavesBlocksAndSpines() throws Exception {
        Topology t = TopologyFile.parse(THREE_LEVELS, "topology.conf");

        assertThat(t.leafCount()).isEqualTo(5);
        assertThat(t.height()).isEqualTo(3);
        assertThat(t.nodeCount()).isEqualTo(16 + 18);
        assertThat(t.path("gpu006")).contains(List.of("core", "spine1", "leaf02"));
        assertThat(t.path("gb17")).contains(List.of("core", "spine2", "nvl01"));
        assertThat(t.path("elsewhere")).isEmpty();
        // Leaves are numbered in tree-walk order, so every switch's leaves are contiguous.
        assertThat(t.switches().subList(0, 5)).extracting(Topology.Switch::name)
                .containsExactly("leaf01", "leaf02", "leaf03", "leaf04", "nvl01");
        assertThat(t.level(t.leafOf("gpu001"))).isEqualTo(1);
    }

    @Test
    void anEmptyFileIsAFlatCluster() throws Exception {
        Topology t = TopologyFile.parse("# nothing yet\n\n", "topology.conf");

        assertThat(t.leafCount()).isZero();
        assertThat(t.height()).isZero();
        assertThat(t.leafOf("gpu001")).isEqualTo(-1);
    }

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                Arguments.of("unknown key", "SwitchName=a Nodes=n1\nRack=r1 Nodes=n2\n",
                        "topology.conf:2: unknown key 'Rack' (a line starts with SwitchName= or BlockName=)"),
                Arguments.of("node in two leaves", "SwitchName=a Nodes=n[1-4]\nSwitchName=b Nodes=n[4-6]\n",
                        "topology.conf:2: node n4 is already under a (line 1); a node sits in one leaf"),
                Arguments.of("undefined switch", "SwitchName=a Nodes=n1\nSwitchName=top Switches=a,b\n",
                        "topology.conf:2: top lists b, which no SwitchName= or BlockName= line defines"),
                Arguments.of("two parents", "SwitchName=a Nodes=n1\nSwitchName=s1 Switches=a\nSwitchName=s2 Switches=a\n",
                        "topology.conf:3: a is already under s1 (line 2); a switch has one parent"),
                Arguments.of("loop", "SwitchName=a Nodes=n1\nSwitchName=s1 Switches=s2\nSwitchName=s2 Switches=s1\n",
                        "topology.conf:2: s1 is its own ancestor (a loop through s2)"),
                Arguments.of("defined twice", "SwitchName=a Nodes=n1\nSwitchName=a Nodes=n2\n",
                        "topology.conf:2: a is already defined on line 1"),
                Arguments.of("nodes and switches", "SwitchName=a Nodes=n1 Switches=b\n",
                        "topology.conf:1: a needs exactly one of Nodes=HOSTLIST or Switches=LIST"),
                Arguments.of("neither", "SwitchName=a LinkSpeed=10\n",
                        "topology.conf:1: a needs exactly one of Nodes=HOSTLIST or Switches=LIST"),
                Arguments.of("block with switches", "BlockName=b Switches=a\n",
                        "topology.conf:1: block b lists switches; a block holds Nodes= only"),
                Arguments.of("not key=value", "SwitchName=a Nodes=n1 fast\n",
                        "topology.conf:1: expected Key=Value, found 'fast'"),
                Arguments.of("bad hostlist", "SwitchName=a Nodes=n[3-1]\n", "topology.conf:1: "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void brokenFilesNameTheLineAndTheProblem(String name, String text, String expected) {
        assertThatThrownBy(() -> TopologyFile.parse(text, "topology.conf"))
                .isInstanceOf(TopologyFile.InvalidTopologyException.class)
                .satisfies(e -> assertThat(((TopologyFile.InvalidTopologyException) e).problems())
                        .anySatisfy(p -> assertThat(p).startsWith(expected)));
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() {
        assertThatThrownBy(() -> TopologyFile.parse("Bogus=1\nSwitchName=a Nodes=n1\nSwitchName=a Nodes=n2\n", "t.conf"))
                .isInstanceOf(TopologyFile.InvalidTopologyException.class)
                .satisfies(e -> assertThat(((TopologyFile.InvalidTopologyException) e).problems()).hasSize(2));
    }
}
