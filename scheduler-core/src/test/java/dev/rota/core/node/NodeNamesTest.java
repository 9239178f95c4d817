package dev.rota.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeNamesTest {
    @Test
    void sorts_numbers_by_value_and_keeps_a_total_order() {
        List<String> names = new ArrayList<>(List.of("node-10", "node-2", "node-1", "gpu-01", "gpu-1", "node-02"));
        names.sort(NodeNames.NATURAL);
        assertThat(names).containsExactly("gpu-01", "gpu-1", "node-1", "node-02", "node-2", "node-10");
    }
}
