package dev.rota.core.plan;

import dev.rota.core.node.NodeNames;
import dev.rota.core.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Free GPUs per node as a step function of time, from {@code now} on: the GPUs free now, plus the
 * GPUs running jobs give back when their time limits end, minus what starts and reservations take.
 * Built fresh for each scheduling cycle; mutable, single-threaded, deterministic.
 *
 * <p>Sized for 10^4-10^5 nodes: nodes are numbered in order once ({@link #node} calls first, then
 * queries); GPUs free now live in an array with a count of nodes per free level and a bit set of
 * nodes with any GPU free, so "does this fit now" costs the number of nodes with free GPUs, not the
 * number of nodes; each node's future changes live in a small sorted map, created on first use.
 */
public final class AvailabilityProfile {
    private final Instant now;
    private final Topology topology;
    private final List<String> added = new ArrayList<>(1024);
    private final List<Integer> addedFree = new ArrayList<>(1024);
    /** Set when sealed: node names by position (topology order) and their positions by name. */
    private String[] names;
    private Map<String, Integer> position;
    private int[] free;
    /** Per position: time -> change in free GPUs at that time (only times after {@code now}); null when none. */
    private NavigableMap<Instant, Integer>[] changes;
    /** atLeast[g]: how many nodes have at least g GPUs free now. */
    private int[] atLeast;
    /** Positions of nodes with a GPU free now. */
    private BitSet anyFree;
    /** Positions of nodes with a take in the future (a reservation): their free-now count alone says too little. */
    private BitSet futureTakes;
    /** The placement index over the topology, built when sealed. */
    private TopologyIndex index;

    /** A profile without topology: every node is its own leaf, and placement prefers nodes in name order. */
    public AvailabilityProfile(Instant now) {
        this(now, Topology.flat());
    }

    /** @param topology the network the nodes sit in; placement follows {@code docs/placement.md} over it */
    public AvailabilityProfile(Instant now, Topology topology) {
        this.now = now;
        this.topology = topology;
    }

    public Instant now() {
        return now;
    }

    /** Declares a node that may take work, with {@code free} GPUs free now. Before any other call. */
    public void node(String name, int free) {
        if (names != null) {
            throw new IllegalStateException("nodes are declared before the profile is used");
        }
        added.add(name);
        addedFree.add(free);
    }

    @SuppressWarnings("unchecked")
    private void seal() {
        if (names != null) {
            return;
        }
        int n = added.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Topology order: by leaf (as the topology numbers them; unmentioned nodes after, each its own
        // leaf), then by name. The nodes of every leaf and every switch are then contiguous.
        int[] leafKey = new int[n];
        for (int i = 0; i < n; i++) {
            int l = topology.leafOf(added.get(i));
            leafKey[i] = l < 0 ? Integer.MAX_VALUE : l;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Integer.compare(leafKey[a], leafKey[b]);
            return c != 0 ? c : NodeNames.NATURAL.compare(added.get(a), added.get(b));
        });
        names = new String[n];
        position = new HashMap<>(n * 2);
        free = new int[n];
        changes = new NavigableMap[n];
        anyFree = new BitSet(n);
        futureTakes = new BitSet(n);
        int max = 0;
        for (int p = 0; p < n; p++) {
            names[p] = added.get(order[p]);
            position.put(names[p], p);
            free[p] = addedFree.get(order[p]);
            max = Math.max(max, free[p]);
            if (free[p] > 0) {
                anyFree.set(p);
            }
        }
        atLeast = new int[max + 2];
        for (int f : free) {
            for (int g = 0; g <= Math.max(0, f); g++) {
                atLeast[g]++;
            }
        }
        index = new TopologyIndex(topology, names, free, max);
    }

    /** The nodes that may take work, in order. */
    public List<String> nodes() {
        seal();
        return List.of(names);
    }

    private final Map<String, BitSet> allowedCache = new HashMap<>();

    /**
     * The positions of the nodes {@code member} accepts, computed once per {@code key} (a partition
     * name) for this profile; null when it accepts every node (no filtering needed).
     */
    public BitSet allowed(String key, java.util.function.Predicate<String> member) {
        seal();
        return allowedCache.computeIfAbsent(key, k -> {
            BitSet set = new BitSet(names.length);
            for (int p = 0; p < names.length; p++) {
                if (member.test(names[p])) {
                    set.set(p);
                }
            }
            return set.cardinality() == names.length ? null : set;
        });
    }

    /** How many nodes have at least {@code gpus} GPUs free now (reservations aside). */
    public int nodesWithFreeNow(int gpus) {
        seal();
        return gpus < atLeast.length ? atLeast[Math.max(0, gpus)] : 0;
    }

    private NavigableMap<Instant, Integer> changesOf(int p) {
        if (changes[p] == null) {
            changes[p] = new TreeMap<>();
        }
        return changes[p];
    }

    /** A running job gives {@code gpus} back on {@code node} at {@code at} (its time limit, at the latest). */
    public void release(String node, Instant at, int gpus) {
        seal();
        Integer p = position.get(node);
        if (p == null || gpus == 0) {
            return;
        }
        Instant when = at.isAfter(now) ? at : now.plusNanos(1);
        changesOf(p).merge(when, gpus, Integer::sum);
    }

    /** Takes {@code gpus} on {@code node} over {@code [from, to)}: a start now, or a reservation. */
    public void take(String node, Instant from, Instant to, int gpus) {
        seal();
        Integer p = position.get(node);
        if (p == null || gpus == 0) {
            return;
        }
        if (!from.isAfter(now)) {
            int before = free[p];
            int after = before - gpus;
            free[p] = after;
            index.freeChanged(p, before, after);
            for (int g = Math.max(0, after + 1); g <= before && g < atLeast.length; g++) {
                atLeast[g]--;
            }
            if (after <= 0) {
                anyFree.clear(p);
            }
        } else {
            changesOf(p).merge(from, -gpus, Integer::sum);
            futureTakes.set(p);
        }
        changesOf(p).merge(to, gpus, Integer::sum);
    }

    /** The fewest GPUs free on {@code node} at any time in {@code [from, to)}. */
    public int minFree(String node, Instant from, Instant to) {
        seal();
        Integer p = position.get(node);
        return p == null ? 0 : minFree(p, from, to);
    }

    private int minFree(int p, Instant from, Instant to) {
        int f = free[p];
        NavigableMap<Instant, Integer> c = changes[p];
        if (c == null) {
            return f;
        }
        // One pass over the node's few changes, without sub-map views: called per node per try.
        int min = Integer.MAX_VALUE;
        for (Map.Entry<Instant, Integer> e : c.entrySet()) {
            Instant t = e.getKey();
            if (!t.isAfter(from)) {
                f += e.getValue();
            } else if (t.isBefore(to)) {
                min = Math.min(min, f);
                f += e.getValue();
                min = Math.min(min, f);
            } else {
                break;
            }
        }
        return Math.min(min, f);
    }

    /**
     * Where {@code count} nodes keep {@code gpus} GPUs free over {@code [from, from + length)}, placed
     * by the objective of {@code docs/placement.md}: the lowest topology level the gang can span, then
     * the fewest leaves, then best fit; empty when fewer than {@code count} such nodes exist. The
     * nodes come in topology order (the first is the gang's head).
     */
    public Optional<List<String>> fit(int count, int gpus, Instant from, Duration length) {
        return fit(count, gpus, from, length, null);
    }

    /** As {@link #fit(int, int, Instant, Duration)}, on the nodes in {@code allowed} only (null: all). */
    public Optional<List<String>> fit(int count, int gpus, Instant from, Duration length, BitSet allowed) {
        seal();
        Instant to = from.plus(length);
        boolean startNow = !from.isAfter(now);
        if (startNow && gpus > 0 && nodesWithFreeNow(gpus) < count) {
            return Optional.empty();
        }
        TopologyIndex.Fits fits = p -> (allowed == null || allowed.get(p)) && (!startNow || free[p] >= gpus)
                && minFree(p, from, to) >= gpus;
        int[] eligible;
        if (startNow && allowed == null && gpus > 0) {
            // The index counts nodes by GPUs free now; only nodes with a reservation ahead can differ.
            eligible = index.eligibleNow(gpus);
            for (int p = futureTakes.nextSetBit(0); p >= 0; p = futureTakes.nextSetBit(p + 1)) {
                if (free[p] >= gpus && minFree(p, from, to) < gpus) {
                    eligible[index.slot(p)]--;
                }
            }
        } else {
            eligible = new int[index.slots()];
            BitSet scan = startNow && gpus > 0 ? anyFree : null;
            for (int p = scan == null ? 0 : scan.nextSetBit(0); p >= 0 && p < names.length;
                    p = scan == null ? p + 1 : scan.nextSetBit(p + 1)) {
                if (fits.test(p)) {
                    eligible[index.slot(p)]++;
                }
            }
        }
        int[] chosen = index.place(count, gpus, eligible, fits, startNow && gpus > 0);
        if (chosen == null) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>(chosen.length);
        for (int p : chosen) {
            out.add(names[p]);
        }
        return Optional.of(out);
    }

    /** The position of {@code node} in topology order, or -1 when it was not declared. */
    int positionOf(String node) {
        seal();
        Integer p = position.get(node);
        return p == null ? -1 : p;
    }

    /** The placement index (tests and benchmarks look at leaves and spans through it). */
    TopologyIndex index() {
        seal();
        return index;
    }

    /** Where and when a gang can start. */
    public record Start(Instant at, List<String> nodes) {
    }

    /**
     * The earliest time at which {@code count} nodes each keep {@code gpus} GPUs free for
     * {@code length}, and those nodes (first in order); empty when no such time exists among the
     * first {@code maxTries} candidate times. Each node's earliest window is found from its own
     * changes, so no time earlier than the {@code count}-th earliest window is tried.
     */
    public Optional<Start> earliest(int count, int gpus, Duration length, int maxTries) {
        return earliest(count, gpus, length, maxTries, null);
    }

    /** As {@link #earliest(int, int, Duration, int)}, on the nodes in {@code allowed} only (null: all). */
    public Optional<Start> earliest(int count, int gpus, Duration length, int maxTries, BitSet allowed) {
        seal();
        List<Instant> windows = new ArrayList<>();
        for (int p = 0; p < names.length; p++) {
            if (allowed != null && !allowed.get(p)) {
                continue;
            }
            Instant w = earliestWindow(p, gpus, length);
            if (w != null) {
                windows.add(w);
            }
        }
        if (windows.size() < count) {
            return Optional.empty();
        }
        windows.sort(Comparator.naturalOrder());
        int tries = 0;
        for (int k = count - 1; k < windows.size() && tries < maxTries; k++) {
            Instant t = windows.get(k);
            if (k > count - 1 && t.equals(windows.get(k - 1))) {
                continue; // tried already
            }
            tries++;
            Optional<List<String>> nodes = fit(count, gpus, t, length, allowed);
            if (nodes.isPresent()) {
                return Optional.of(new Start(t, nodes.get()));
            }
        }
        return Optional.empty();
    }

    /** The earliest time from now at which node {@code p} keeps {@code gpus} free for {@code length}; null if never. */
    private Instant earliestWindow(int p, int gpus, Duration length) {
        NavigableMap<Instant, Integer> c = changes[p];
        int f = free[p];
        Instant start = f >= gpus ? now : null;
        if (c == null) {
            return start;
        }
        for (Map.Entry<Instant, Integer> e : c.entrySet()) {
            Instant t = e.getKey();
            if (start != null && !t.isBefore(start.plus(length))) {
                return start;
            }
            f += e.getValue();
            if (f >= gpus) {
                if (start == null) {
                    start = t;
                }
            } else {
                start = null;
            }
        }
        return start;
    }
}
