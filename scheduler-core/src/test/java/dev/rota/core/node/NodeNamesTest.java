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

    @org.junit.jupiter.params.ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
    void digit_runs_compare_by_value_whatever_their_leading_zeros(long seed) {
        java.util.Random r = new java.util.Random(seed);
        for (int n = 0; n < 2000; n++) {
            long x = r.nextInt(100_000);
            long y = r.nextInt(100_000);
            String a = "gpu" + "0".repeat(r.nextInt(3)) + x + "-ib" + r.nextInt(3);
            String b = "gpu" + "0".repeat(r.nextInt(3)) + y + "-ib" + r.nextInt(3);
            int c = NodeNames.NATURAL.compare(a, b);
            if (x != y) {
                assertThat(Integer.signum(c)).as(a + " vs " + b).isEqualTo(Long.signum(x - y));
            }
            assertThat(Integer.signum(NodeNames.NATURAL.compare(b, a))).as("antisymmetric").isEqualTo(-Integer.signum(c));
            assertThat(c == 0).as("zero only for equal names").isEqualTo(a.equals(b));
        }
    }
}
