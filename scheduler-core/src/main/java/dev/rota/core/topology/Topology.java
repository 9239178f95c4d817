package dev.rota.core.topology;

import dev.rota.core.node.NodeNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster's network as a tree of named switches: leaf switches (or NVLink blocks) hold nodes,
 * higher switches hold switches. Immutable and deterministic.
 *
 * <p>Switches are numbered: the leaves first ({@code 0 .. leafCount()-1}, in the order the tree is
 * walked from its roots, children in natural name order), then the higher switches. A switch's
 * <em>level</em> is 1 for a leaf and one more than its highest child otherwise. The trees under
 * several top switches are joined by an implied root one level above the highest switch, so every
 * set of nodes has a lowest common ancestor; nodes the topology does not mention are each their own
 * implicit leaf directly under that root (see {@code AvailabilityProfile}).
 */
public final class Topology {

    private static final Topology FLAT = new Topology(List.of());

    private final List<Switch> switches;
    private final Map<String, Integer> leafOfNode;
    private final Map<String, Integer> indexOfSwitch;
    private final int[] parent;
    private final int[] level;
    private final int leafCount;
    private final int height;

    /**
     * One switch.
     *
     * @param name     unique among switches
     * @param nodes    the nodes under a leaf (natural order); empty for a higher switch
     * @param children the switches under a higher switch; empty for a leaf
     */
    public record Switch(String name, List<String> nodes, List<String> children) {
        public Switch {
            Objects.requireNonNull(name, "name");
            nodes = List.copyOf(nodes);
            children = List.copyOf(children);
            if (nodes.isEmpty() == children.isEmpty()) {
                throw new IllegalArgumentException("switch " + name + " needs either nodes or switches under it");
            }
        }

        public boolean leaf() {
            return !nodes.isEmpty();
        }
    }

    /**
     * @throws IllegalArgumentException when names repeat, a child is unknown, a switch has two
     *                                  parents, the graph has a loop, or a node sits in two leaves
     */
    public Topology(List<Switch> given) {
        Map<String, Switch> byName = new LinkedHashMap<>();
        for (Switch s : given) {
            if (byName.put(s.name(), s) != null) {
                throw new IllegalArgumentException("switch " + s.name() + " is defined twice");
            }
        }
        Map<String, String> parentName = new HashMap<>();
        for (Switch s : given) {
            for (String c : s.children()) {
                if (!byName.containsKey(c)) {
                    throw new IllegalArgumentException("switch " + s.name() + " lists unknown switch " + c);
                }
                String before = parentName.put(c, s.name());
                if (before != null) {
                    throw new IllegalArgumentException("switch " + c + " is under both " + before + " and " + s.name());
                }
            }
        }
        for (Switch s : given) {
            // Walk up: a loop revisits s (every switch has at most one parent).
            String at = parentName.get(s.name());
            for (int steps = 0; at != null; steps++) {
                if (at.equals(s.name()) || steps > given.size()) {
                    throw new IllegalArgumentException("switch " + s.name() + " is its own ancestor (a loop)");
                }
                at = parentName.get(at);
            }
        }
        List<String> roots = new ArrayList<>();
        for (Switch s : given) {
            if (!parentName.containsKey(s.name())) {
                roots.add(s.name());
            }
        }
        roots.sort(NodeNames.NATURAL);
        // Leaves first, in walk order; then higher switches in walk order.
        List<Switch> leaves = new ArrayList<>();
        List<Switch> higher = new ArrayList<>();
        for (String r : roots) {
            walk(byName, r, leaves, higher);
        }
        List<Switch> ordered = new ArrayList<>(leaves);
        ordered.addAll(higher);
        this.switches = List.copyOf(ordered);
        this.leafCount = leaves.size();
        this.indexOfSwitch = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            indexOfSwitch.put(ordered.get(i).name(), i);
        }
        this.leafOfNode = new HashMap<>();
        for (int i = 0; i < leafCount; i++) {
            for (String node : ordered.get(i).nodes()) {
                Integer before = leafOfNode.put(node, i);
                if (before != null) {
                    throw new IllegalArgumentException("node " + node + " is under both " + ordered.get(before).name()
                            + " and " + ordered.get(i).name());
                }
            }
        }
        this.parent = new int[ordered.size()];
        this.level = new int[ordered.size()];
        java.util.Arrays.fill(parent, -1);
        for (int i = 0; i < ordered.size(); i++) {
            for (String c : ordered.get(i).children()) {
                parent[indexOfSwitch.get(c)] = i;
            }
        }
        int h = 0;
        for (int i = 0; i < ordered.size(); i++) {
            h = Math.max(h, levelOf(i));
        }
        this.height = h;
    }

    private int levelOf(int i) {
        if (level[i] == 0) {
            Switch s = switches.get(i);
            int l = 1;
            for (String c : s.children()) {
                l = Math.max(l, levelOf(indexOfSwitch.get(c)) + 1);
            }
            level[i] = l;
        }
        return level[i];
    }

    private static void walk(Map<String, Switch> byName, String name, List<Switch> leaves, List<Switch> higher) {
        Switch s = byName.get(name);
        if (s.leaf()) {
            List<String> nodes = new ArrayList<>(s.nodes());
            nodes.sort(NodeNames.NATURAL);
            leaves.add(new Switch(s.name(), nodes, List.of()));
            return;
        }
        List<String> children = new ArrayList<>(s.children());
        children.sort(NodeNames.NATURAL);
        for (String c : children) {
            walk(byName, c, leaves, higher);
        }
        higher.add(new Switch(s.name(), List.of(), children));
    }

    /** No switches: every node is its own leaf under the root. */
    public static Topology flat() {
        return FLAT;
    }

    /** Every switch: leaves first, then higher switches (see the class comment). */
    public List<Switch> switches() {
        return switches;
    }

    public int leafCount() {
        return leafCount;
    }

    /** The highest switch level (0 when there are no switches). */
    public int height() {
        return height;
    }

    /** The leaf holding {@code node}, or -1 when the topology does not mention it. */
    public int leafOf(String node) {
        Integer l = leafOfNode.get(node);
        return l == null ? -1 : l;
    }

    /** The parent switch of switch {@code index}, or -1 for a top switch. */
    public int parent(int index) {
        return parent[index];
    }

    /** The level of switch {@code index}: 1 for a leaf. */
    public int level(int index) {
        return level[index];
    }

    /** How many nodes the topology mentions. */
    public int nodeCount() {
        return leafOfNode.size();
    }

    /**
     * Where {@code node} sits, from the top switch down to its leaf, e.g. {@code [spine1, leaf03]};
     * empty when the topology does not mention it.
     */
    public Optional<List<String>> path(String node) {
        int at = leafOf(node);
        if (at < 0) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (; at >= 0; at = parent[at]) {
            out.add(switches.get(at).name());
        }
        Collections.reverse(out);
        return Optional.of(List.copyOf(out));
    }
}
