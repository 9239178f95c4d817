package dev.rota.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.node.Gpu;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GpuChoiceTest {

    /** An 8-GPU node like a DGX H100: GPUs 0-3 on NUMA node 0, 4-7 on NUMA node 1. */
    private static List<Gpu> dgx() {
        List<Gpu> gpus = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            gpus.add(new Gpu(i, "GPU-" + i, "H100", 80L << 30, i < 4 ? 0 : 1));
        }
        return gpus;
    }

    private static List<Gpu> unknownNuma() {
        List<Gpu> gpus = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            gpus.add(new Gpu(i, "GPU-" + i, "H100", 80L << 30));
        }
        return gpus;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("four on an empty node stay on one side", dgx(), List.of(0, 1, 2, 3, 4, 5, 6, 7), 4,
                        List.of(0, 1, 2, 3)),
                Arguments.of("two go to the side with fewer free, keeping the other whole", dgx(),
                        List.of(2, 3, 4, 5, 6, 7), 2, List.of(2, 3)),
                Arguments.of("three do not fit the tight side: the whole other side is used", dgx(),
                        List.of(3, 4, 5, 6, 7), 3, List.of(4, 5, 6)),
                Arguments.of("lowest indices do not split a job across sides", dgx(), List.of(2, 3, 4, 5, 6, 7), 4,
                        List.of(4, 5, 6, 7)),
                Arguments.of("no side holds it: the fullest side first", dgx(), List.of(1, 2, 3, 5, 6), 4,
                        List.of(1, 2, 3, 5)),
                Arguments.of("every free GPU", dgx(), List.of(1, 5), 2, List.of(1, 5)),
                Arguments.of("unknown NUMA: lowest indices, as before", unknownNuma(), List.of(2, 3, 4, 5), 2,
                        List.of(2, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void choosesAWellConnectedSet(String name, List<Gpu> gpus, List<Integer> free, int count, List<Integer> expected) {
        assertThat(GpuChoice.choose(gpus, new TreeSet<>(free), count)).isEqualTo(expected);
    }
}
