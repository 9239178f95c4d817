package dev.rota.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.engine.EngineConfig;
import dev.rota.core.engine.Event;
import dev.rota.core.engine.SchedulerEngine;
import dev.rota.core.job.JobSpec;
import dev.rota.core.node.Gpu;
import dev.rota.core.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LeafCapacityTest {
    private static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

    @Test
    void countsWholeFreeNodesPerLeafAndTheLargestGangOneLeafCanTake() {
        Topology topology = new Topology(List.of(
                new Topology.Switch("leaf1", List.of("a1", "a2", "a3"), List.of()),
                new Topology.Switch("leaf2", List.of("b1", "b2"), List.of()),
                new Topology.Switch("empty", List.of("c1"), List.of())));
        SchedulerEngine engine = SchedulerEngine.fresh(EngineConfig.defaults().withTopology(topology));
        for (String n : List.of("a1", "a2", "a3", "b1", "b2", "loose")) {
            List<Gpu> gpus = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                gpus.add(new Gpu(i, n + "-" + i, "H100", 0));
            }
            engine.handle(new Event.NodeRegistered(T0, n, n + ":1", gpus, List.of(), List.of()));
        }
        // A one-GPU job packs into the busiest leaf: the loose node, a leaf of its own with 8 GPUs free.
        // A whole-node job then takes a node of leaf2 (16 GPUs free) and keeps leaf1 (24) whole.
        engine.handle(new Event.JobSubmitted(T0, spec(1)));
        engine.handle(new Event.JobSubmitted(T0, spec(8)));

        LeafCapacity c = LeafCapacity.of(engine.snapshot(), topology);

        assertThat(c.byLeaf()).isEqualTo(Map.of("leaf1", 3, "leaf2", 1, "empty", 0));
        assertThat(c.largest()).isEqualTo(3);
    }

    private static JobSpec spec(int gpus) {
        return new JobSpec("j", "alice", "", "", 1, 1, gpus, Duration.ofHours(1), "true", List.of(), "/tmp", "", "",
                new TreeMap<>(), true);
    }
}
