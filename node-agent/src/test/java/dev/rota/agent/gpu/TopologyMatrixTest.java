package dev.rota.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyMatrixTest {

    private static String resource(String path) throws IOException {
        try (InputStream in = TopologyMatrixTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheNumaNodeOfTheRecordedH100() throws IOException {
        assertThat(TopologyMatrix.numaNodes(resource("/recorded/h100-sxm-80gb/idle/topo.txt")))
                .isEqualTo(Map.of(0, 0));
    }

    @Test
    void readsBothNumaSidesOfAnEightGpuNode() throws IOException {
        assertThat(TopologyMatrix.numaNodes(resource("/nvidia-smi/topo-dgx-h100.txt")))
                .isEqualTo(Map.of(0, 0, 1, 0, 2, 0, 3, 0, 4, 1, 5, 1, 6, 1, 7, 1));
    }

    @Test
    void garbageGivesNothingRatherThanAnError() {
        assertThat(TopologyMatrix.numaNodes("")).isEmpty();
        assertThat(TopologyMatrix.numaNodes("NVIDIA-SMI has failed because it couldn't communicate with the driver"))
                .isEmpty();
        assertThat(TopologyMatrix.numaNodes("\tGPU0\tNUMA Affinity\nGPU0\t X \tN/A\n")).isEmpty();
    }
}
