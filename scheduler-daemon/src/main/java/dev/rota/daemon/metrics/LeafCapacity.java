package dev.rota.daemon.metrics;

import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.NodeView;
import dev.rota.core.node.NodeState;
import dev.rota.core.topology.Topology;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Whole free nodes per leaf switch: the largest whole-node gang each leaf could still take without
 * spanning switches. A node counts when it is {@link NodeState#IDLE} (connected, open to work, no GPU
 * allocated). Pure; O(nodes).
 *
 * @param byLeaf  per leaf the topology names (blocks included), every one listed, zero or not
 * @param largest the most whole free nodes in one leaf; a node the topology does not mention is a
 *                leaf of its own (so without a topology this is 1 when any node is idle)
 */
public record LeafCapacity(SortedMap<String, Integer> byLeaf, int largest) {

    public static LeafCapacity of(ClusterSnapshot snapshot, Topology topology) {
        int[] free = new int[topology.leafCount()];
        int largest = 0;
        for (NodeView n : snapshot.nodes()) {
            if (n.state() != NodeState.IDLE || n.gpusTotal() == 0) {
                continue;
            }
            int leaf = topology.leafOf(n.name());
            if (leaf < 0) {
                largest = Math.max(largest, 1);
            } else {
                free[leaf]++;
            }
        }
        SortedMap<String, Integer> byLeaf = new TreeMap<>();
        for (int l = 0; l < free.length; l++) {
            byLeaf.put(topology.switches().get(l).name(), free[l]);
            largest = Math.max(largest, free[l]);
        }
        return new LeafCapacity(byLeaf, largest);
    }
}
