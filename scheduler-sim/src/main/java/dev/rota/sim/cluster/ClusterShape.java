package dev.rota.sim.cluster;

import dev.rota.core.topology.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated cluster: {@code nodes} nodes of {@code gpusPerNode} GPUs, under leaf switches of
 * {@code leafSize} nodes (the last leaf may be smaller). Node names encode their leaf,
 * {@code leaf<L>-node<N>} with N counting over the whole cluster, so that natural name order is
 * leaf order and the leaves a job spans can be read from its node names.
 */
public record ClusterShape(int nodes, int gpusPerNode, int leafSize) {
    public ClusterShape {
        if (nodes < 1 || gpusPerNode < 1 || leafSize < 1) {
            throw new IllegalArgumentException("a cluster needs nodes, GPUs per node and leaf size of at least 1");
        }
    }

    /**
     * Parses {@code NODESxGPUS[,leaf=L]}, e.g. {@code 80x8,leaf=8}; without a leaf size every node
     * is under one switch.
     */
    public static ClusterShape parse(String text) {
        String[] parts = text.strip().split(",");
        String[] dims = parts[0].strip().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (dims.length != 2) {
                throw new NumberFormatException();
            }
            int n = Integer.parseInt(dims[0].strip());
            int g = Integer.parseInt(dims[1].strip());
            int leaf = n;
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].strip().split("=", 2);
                if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("leaf")) {
                    leaf = Integer.parseInt(kv[1].strip());
                } else {
                    throw new IllegalArgumentException("unknown cluster option '" + parts[i].strip()
                            + "' (known: leaf=N)");
                }
            }
            return new ClusterShape(n, g, leaf);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cluster must look like 80x8,leaf=8 (nodes x GPUs per node), got '"
                    + text + "'");
        }
    }

    public int totalGpus() {
        return nodes * gpusPerNode;
    }

    public int leaves() {
        return (nodes + leafSize - 1) / leafSize;
    }

    /** The name of node {@code i} (0-based). */
    public String nodeName(int i) {
        return "leaf" + (i / leafSize) + "-node" + i;
    }

    public List<String> nodeNames() {
        List<String> out = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            out.add(nodeName(i));
        }
        return out;
    }

    /** The leaf switches as the engine's topology: leaf {@code L} holds the nodes named {@code leafL-*}. */
    public Topology topology() {
        List<Topology.Switch> leaves = new ArrayList<>();
        for (int l = 0; l < leaves(); l++) {
            List<String> members = new ArrayList<>();
            for (int i = l * leafSize; i < Math.min(nodes, (l + 1) * leafSize); i++) {
                members.add(nodeName(i));
            }
            leaves.add(new Topology.Switch("leaf" + l, members, List.of()));
        }
        return new Topology(leaves);
    }

    /** The leaf of a node named by {@link #nodeName}. */
    public static int leafOf(String node) {
        int dash = node.indexOf('-');
        return Integer.parseInt(node.substring(4, dash));
    }

    /** The node index of a node named by {@link #nodeName}. */
    public static int indexOf(String node) {
        return Integer.parseInt(node.substring(node.indexOf("-node") + 5));
    }

    /**
     * How a job of {@code gpus} GPUs is shaped: on one node when it fits one, else whole nodes
     * ({@code ceil(gpus / gpusPerNode)} of them, all GPUs each).
     *
     * @return {nodes, gpusPerNode}
     */
    public int[] gang(int gpus) {
        if (gpus <= gpusPerNode) {
            return new int[] {1, gpus};
        }
        return new int[] {(gpus + gpusPerNode - 1) / gpusPerNode, gpusPerNode};
    }

    /** The fewest leaves {@code jobNodes} nodes can span. */
    public int minimumLeaves(int jobNodes) {
        return (jobNodes + leafSize - 1) / leafSize;
    }

    @Override
    public String toString() {
        return nodes + "x" + gpusPerNode + ",leaf=" + leafSize;
    }
}
