package dev.rota.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rota.core.node.NodeNames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cluster shapes: parsing, node names that encode leaves, job shapes and the fewest leaves. */
class ClusterShapeTest {

    @Test
    void node_names_encode_leaves_and_sort_naturally_in_leaf_order() {
        ClusterShape c = ClusterShape.parse("20x8,leaf=8");
        assertThat(c).isEqualTo(new ClusterShape(20, 8, 8));
        assertThat(c.leaves()).isEqualTo(3);
        assertThat(c.nodeName(0)).isEqualTo("leaf0-node0");
        assertThat(c.nodeName(17)).isEqualTo("leaf2-node17");
        assertThat(ClusterShape.leafOf("leaf2-node17")).isEqualTo(2);
        assertThat(ClusterShape.indexOf("leaf2-node17")).isEqualTo(17);
        List<String> shuffled = new ArrayList<>(c.nodeNames());
        java.util.Collections.reverse(shuffled);
        shuffled.sort(NodeNames.NATURAL);
        assertThat(shuffled).isEqualTo(c.nodeNames());
        assertThat(ClusterShape.parse("4x2")).isEqualTo(new ClusterShape(4, 2, 4));
    }

    @ParameterizedTest(name = "{0} GPUs -> {1} x {2}, min leaves {3}")
    @CsvSource({"1,1,1,1", "8,1,8,1", "12,2,8,1", "64,8,8,1", "128,16,8,2", "72,9,8,2"})
    void jobs_fit_one_node_or_take_whole_nodes(int gpus, int nodes, int perNode, int minLeaves) {
        ClusterShape c = new ClusterShape(80, 8, 8);
        assertThat(c.gang(gpus)).containsExactly(nodes, perNode);
        assertThat(c.minimumLeaves(nodes)).isEqualTo(minLeaves);
    }

    @Test
    void bad_shapes_say_how_to_write_them() {
        assertThatThrownBy(() -> ClusterShape.parse("80")).hasMessageContaining("80x8,leaf=8");
        assertThatThrownBy(() -> ClusterShape.parse("80x8,spine=2")).hasMessageContaining("unknown cluster option 'spine=2'");
        assertThatThrownBy(() -> ClusterShape.parse("0x8")).hasMessageContaining("at least 1");
    }
}
