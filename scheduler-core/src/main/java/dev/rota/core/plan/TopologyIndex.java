package dev.rota.core.plan;

import dev.rota.core.topology.Topology;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Free capacity per leaf switch, kept up to date as an {@link AvailabilityProfile} takes GPUs, and
 * the placement objective of {@code docs/placement.md} over it. Single-threaded, deterministic.
 *
 * <p><b>Groups.</b> Leaves are numbered first: the topology's leaves, then one implicit leaf per
 * node the topology does not mention; then the topology's higher switches; the root (joining
 * everything) last. Because the topology numbers leaves in tree-walk order and the profile orders
 * nodes by leaf, the leaves under any switch form a contiguous range of leaf numbers and the nodes
 * of any leaf a contiguous range of positions, so no placement walks the whole cluster.
 *
 * <p><b>Costs</b> (L leaves, G GPUs per node at most): counting eligible nodes is O(L) from the
 * per-leaf "nodes with at least g free" counts, which a start updates in O(G); choosing the group is
 * O(L) (counting sorts, no comparisons sorts over the cluster); choosing nodes scans only the chosen
 * leaves.
 */
final class TopologyIndex {

    /** Whether the node at a position can take the job being placed. */
    interface Fits {
        boolean test(int position);
    }

    private final int leaves;
    private final int[] parent;
    private final int[] level;
    private final int[] leafLo;
    private final int[] leafHi;
    private final int[][] atLevel;
    private final int rootLevel;
    private final int[] leafOfPosition;
    private final int[] start;
    private final int[] end;
    private final int width;
    /** atLeast[leaf * width + g]: nodes of the leaf with at least g GPUs free now (g >= 1). */
    private final int[] atLeast;
    private final int[] leafFree;
    /** The profile's free-now array, shared: read only here. */
    private final int[] free;

    TopologyIndex(Topology topology, String[] names, int[] free, int maxFree) {
        this.free = free;
        int n = names.length;
        int known = topology.leafCount();
        int unknown = 0;
        leafOfPosition = new int[n];
        for (int p = 0; p < n; p++) {
            int l = topology.leafOf(names[p]);
            leafOfPosition[p] = l >= 0 ? l : known + unknown++;
        }
        leaves = known + unknown;
        int higher = topology.switches().size() - known;
        int groups = leaves + higher + 1;
        int root = groups - 1;
        parent = new int[groups];
        level = new int[groups];
        rootLevel = Math.max(2, topology.height() + 1);
        for (int g = 0; g < groups; g++) {
            if (g == root) {
                parent[g] = -1;
                level[g] = rootLevel;
            } else if (g < known) {
                parent[g] = mapped(topology.parent(g), known, unknown, root);
                level[g] = 1;
            } else if (g < leaves) {
                parent[g] = root;
                level[g] = 1;
            } else {
                int t = g - unknown;
                parent[g] = mapped(topology.parent(t), known, unknown, root);
                level[g] = topology.level(t);
            }
        }
        leafLo = new int[groups];
        leafHi = new int[groups];
        Arrays.fill(leafLo, Integer.MAX_VALUE);
        for (int l = 0; l < leaves; l++) {
            for (int a = l; a >= 0; a = parent[a]) {
                leafLo[a] = Math.min(leafLo[a], l);
                leafHi[a] = Math.max(leafHi[a], l + 1);
            }
        }
        List<List<Integer>> byLevel = new ArrayList<>();
        for (int i = 0; i <= rootLevel; i++) {
            byLevel.add(new ArrayList<>());
        }
        for (int g = 0; g < groups; g++) {
            if (leafLo[g] < leafHi[g]) {
                byLevel.get(level[g]).add(g);
            }
        }
        atLevel = new int[rootLevel + 1][];
        for (int i = 0; i <= rootLevel; i++) {
            atLevel[i] = byLevel.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        start = new int[leaves];
        end = new int[leaves];
        Arrays.fill(start, n);
        for (int p = n - 1; p >= 0; p--) {
            start[leafOfPosition[p]] = p;
        }
        for (int p = 0; p < n; p++) {
            end[leafOfPosition[p]] = p + 1;
        }
        width = Math.max(1, maxFree) + 1;
        atLeast = new int[leaves * width];
        leafFree = new int[leaves];
        for (int p = 0; p < n; p++) {
            int l = leafOfPosition[p];
            leafFree[l] += Math.max(0, free[p]);
            for (int g = 1; g <= Math.min(free[p], width - 1); g++) {
                atLeast[l * width + g]++;
            }
        }
    }

    private static int mapped(int topologyParent, int known, int unknown, int root) {
        return topologyParent < 0 ? root : topologyParent >= known ? topologyParent + unknown : topologyParent;
    }

    int leaves() {
        return leaves;
    }

    int leafOf(int position) {
        return leafOfPosition[position];
    }

    /** The parent group of group {@code g}; -1 for the root. */
    int parent(int g) {
        return parent[g];
    }

    /** The level of group {@code g}: 1 for a leaf, {@link #rootLevel()} for the root. */
    int level(int g) {
        return level[g];
    }

    int rootLevel() {
        return rootLevel;
    }

    /** The profile took or gave GPUs at {@code position} now: its free count went from {@code before} to {@code after}. */
    void freeChanged(int position, int before, int after) {
        int l = leafOfPosition[position];
        leafFree[l] += Math.max(0, after) - Math.max(0, before);
        int base = l * width;
        for (int g = Math.max(1, after + 1); g <= Math.min(before, width - 1); g++) {
            atLeast[base + g]--;
        }
        for (int g = Math.max(1, before + 1); g <= Math.min(after, width - 1); g++) {
            atLeast[base + g]++;
        }
    }

    /** Per leaf: how many nodes have at least {@code gpus} GPUs free now (reservations aside). */
    int[] eligibleNow(int gpus) {
        int[] out = new int[leaves];
        if (gpus >= width) {
            return out;
        }
        for (int l = 0, at = gpus; l < leaves; l++, at += width) {
            out[l] = atLeast[at];
        }
        return out;
    }

    /**
     * Chooses {@code count} positions that {@code fits} accepts, {@code eligible[l]} of them in leaf
     * {@code l}, by the placement objective; null when fewer exist. Positions come in ascending order.
     *
     * @param byFreeNow whether the job starts now (best fit then compares GPUs free now)
     */
    int[] place(int count, int[] eligible, Fits fits, boolean byFreeNow) {
        long total = 0;
        for (int e : eligible) {
            total += e;
        }
        if (count <= 0 || total < count) {
            return null;
        }
        if (count == 1) {
            int p = single(eligible, fits, byFreeNow);
            return p < 0 ? null : new int[] {p};
        }
        return gang(count, eligible, fits);
    }

    /**
     * One node: the tightest fit (fewest GPUs free that still fit), in the most used leaf (fewest GPUs
     * free), first in position order; whole free nodes and whole free leaves stay whole for gangs.
     */
    private int single(int[] eligible, Fits fits, boolean byFreeNow) {
        if (!byFreeNow) {
            return inMostUsedLeaf(eligible, fits);
        }
        boolean[] tried = new boolean[leaves];
        for (int f = 1; f < width; f++) {
            Arrays.fill(tried, false);
            while (true) {
                // The most used leaf with a node at exactly f GPUs free; O(leaves), no scan of nodes.
                int best = -1;
                for (int l = 0; l < leaves; l++) {
                    int base = l * width;
                    int exactly = atLeast[base + f] - (f + 1 < width ? atLeast[base + f + 1] : 0);
                    if (exactly > 0 && eligible[l] > 0 && !tried[l] && (best < 0 || leafFree[l] < leafFree[best])) {
                        best = l;
                    }
                }
                if (best < 0) {
                    break;
                }
                for (int p = start[best]; p < end[best]; p++) {
                    if (free[p] == f && fits.test(p)) {
                        return p;
                    }
                }
                tried[best] = true; // every node at f there is ruled out (a reservation or a filter)
            }
        }
        return inMostUsedLeaf(eligible, fits);
    }

    /** The first fitting node, tightest first, of the most used leaf that has one. */
    private int inMostUsedLeaf(int[] eligible, Fits fits) {
        boolean[] tried = new boolean[leaves];
        while (true) {
            int best = -1;
            for (int l = 0; l < leaves; l++) {
                if (eligible[l] > 0 && !tried[l] && (best < 0 || leafFree[l] < leafFree[best])) {
                    best = l;
                }
            }
            if (best < 0) {
                return -1;
            }
            int chosen = -1;
            for (int p = start[best]; p < end[best]; p++) {
                if ((chosen < 0 || free[p] < free[chosen]) && fits.test(p)) {
                    chosen = p;
                }
            }
            if (chosen >= 0) {
                return chosen;
            }
            tried[best] = true;
        }
    }

    private int[] gang(int count, int[] eligible, Fits fits) {
        int groups = parent.length;
        int[] sum = new int[groups];
        for (int l = 0; l < leaves; l++) {
            if (eligible[l] > 0) {
                for (int a = l; a >= 0; a = parent[a]) {
                    sum[a] += eligible[l];
                }
            }
        }
        for (int lvl = 1; lvl <= rootLevel; lvl++) {
            int best = -1;
            int bestLeaves = Integer.MAX_VALUE;
            int bestSum = Integer.MAX_VALUE;
            for (int g : atLevel[lvl]) {
                if (sum[g] < count) {
                    continue;
                }
                int m = lvl == 1 ? 1 : leavesNeeded(g, count, eligible);
                if (m < bestLeaves || m == bestLeaves && sum[g] < bestSum) {
                    best = g;
                    bestLeaves = m;
                    bestSum = sum[g];
                }
            }
            if (best >= 0) {
                return takeFrom(best, bestLeaves, count, eligible, fits);
            }
        }
        return null;
    }

    /** The fewest leaves under group {@code g} whose eligible nodes add up to {@code count}: largest first. */
    private int leavesNeeded(int g, int count, int[] eligible) {
        int max = 0;
        for (int l = leafLo[g]; l < leafHi[g]; l++) {
            max = Math.max(max, eligible[l]);
        }
        int[] howMany = new int[max + 1];
        for (int l = leafLo[g]; l < leafHi[g]; l++) {
            howMany[eligible[l]]++;
        }
        int taken = 0;
        int m = 0;
        for (int v = max; v > 0; v--) {
            for (int k = 0; k < howMany[v]; k++) {
                taken += v;
                m++;
                if (taken >= count) {
                    return m;
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * Takes {@code count} nodes from {@code m} leaves of group {@code g}: all eligible nodes of the
     * {@code m - 1} fullest leaves, then the rest from the tightest leaf that holds it.
     */
    private int[] takeFrom(int g, int m, int count, int[] eligible, Fits fits) {
        int lo = leafLo[g];
        int hi = leafHi[g];
        long[] order = new long[hi - lo];
        int k = 0;
        for (int l = lo; l < hi; l++) {
            if (eligible[l] > 0) {
                // Most eligible first, then lower leaf number.
                order[k++] = ((long) (Integer.MAX_VALUE - eligible[l]) << 32) | l;
            }
        }
        Arrays.sort(order, 0, k);
        int[] out = new int[count];
        int filled = 0;
        boolean[] used = new boolean[k];
        for (int i = 0; i < m - 1; i++) {
            int l = (int) order[i];
            used[i] = true;
            filled = nodesIn(l, eligible[l], fits, out, filled);
        }
        int rest = count - filled;
        int last = -1;
        int lastIndex = -1;
        for (int i = 0; i < k; i++) {
            int l = (int) order[i];
            if (!used[i] && eligible[l] >= rest
                    && (last < 0 || eligible[l] < eligible[last] || eligible[l] == eligible[last] && leafFree[l] < leafFree[last])) {
                last = l;
                lastIndex = i;
            }
        }
        if (last < 0 || lastIndex < 0) {
            return null;
        }
        filled = nodesIn(last, rest, fits, out, filled);
        if (filled != count) {
            return null;
        }
        Arrays.sort(out);
        return out;
    }

    /** Appends {@code need} positions of leaf {@code l} that fit, tightest first (fewest GPUs free), to {@code out}. */
    private int nodesIn(int l, int need, Fits fits, int[] out, int filled) {
        int size = end[l] - start[l];
        long[] candidates = new long[size];
        int k = 0;
        for (int p = start[l]; p < end[l]; p++) {
            if (fits.test(p)) {
                candidates[k++] = ((long) Math.max(0, free[p]) << 32) | p;
            }
        }
        if (k > need) {
            Arrays.sort(candidates, 0, k);
        }
        int take = Math.min(need, k);
        for (int i = 0; i < take && filled < out.length; i++) {
            out[filled++] = (int) candidates[i];
        }
        return filled;
    }

    /** The span of a placement: the level of the lowest group holding all of it, and how many leaves it touches. */
    record Span(int level, int leaves) {
    }

    Span span(int[] positions) {
        boolean[] touched = new boolean[leaves];
        int count = 0;
        for (int p : positions) {
            int l = leafOfPosition[p];
            if (!touched[l]) {
                touched[l] = true;
                count++;
            }
        }
        if (positions.length == 0) {
            return new Span(0, 0);
        }
        if (count == 1 && positions.length == 1) {
            return new Span(0, 1);
        }
        int a = leafOfPosition[positions[0]];
        for (int p : positions) {
            a = commonAncestor(a, leafOfPosition[p]);
        }
        return new Span(level[a], count);
    }

    private int commonAncestor(int x, int y) {
        while (x != y) {
            if (level[x] <= level[y] && parent[x] >= 0) {
                x = parent[x];
            } else {
                y = parent[y];
            }
        }
        return x;
    }
}
