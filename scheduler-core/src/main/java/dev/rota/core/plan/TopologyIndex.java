package dev.rota.core.plan;

import dev.rota.core.topology.Topology;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Free capacity per leaf switch, kept up to date as an {@link AvailabilityProfile} takes GPUs, and
 * the placement objective of {@code docs/placement.md} over it. Single-threaded, deterministic.
 *
 * <p><b>Leaves and loose nodes.</b> The topology's leaves are counted per leaf. Nodes the topology
 * does not mention ("loose" nodes) are, by the objective, each a leaf of its own under the root; a
 * cluster without a topology file has nothing else, so they are not indexed one leaf each (that
 * would make every placement O(nodes)) but as one pool: a count of loose nodes per free level and a
 * bit set of loose positions per exact free level.
 *
 * <p><b>Numbering.</b> The profile orders nodes by leaf (tree-walk order), loose nodes last, so the
 * nodes of a leaf and the leaves of a switch are contiguous ranges. Inside, groups are the leaves
 * ({@code 0 .. known-1}), the higher switches, then the root. For tests (spans, the oracle) each
 * loose node also has a virtual leaf number {@code known + k}; see {@link #leafOf}, {@link #parent},
 * {@link #level}.
 *
 * <p><b>Costs</b> (L leaves, G GPUs per node): counting eligible nodes O(L + G); a start updates the
 * counts in O(G); choosing the group O(L) with counting sorts; choosing nodes scans only the chosen
 * leaves, or the loose pool by free level.
 */
final class TopologyIndex {

    /** Whether the node at a position can take the job being placed. */
    interface Fits {
        boolean test(int position);
    }

    /** The span of a placement: the level of the lowest group holding all of it, and how many leaves it touches. */
    record Span(int level, int leaves) {
    }

    private final int known;
    private final int looseStart;
    private final int looseCount;
    private final int root;
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
    /** looseAtLeast[g]: loose nodes with at least g GPUs free now. */
    private final int[] looseAtLeast;
    /** looseExactly[f]: positions of loose nodes with exactly f GPUs free now. */
    private final BitSet[] looseExactly;
    /** The profile's free-now array, shared: read only here. */
    private final int[] free;

    TopologyIndex(Topology topology, String[] names, int[] free, int maxFree) {
        this.free = free;
        int n = names.length;
        known = topology.leafCount();
        leafOfPosition = new int[n];
        int firstLoose = n;
        for (int p = 0; p < n; p++) {
            int l = topology.leafOf(names[p]);
            if (l < 0 && firstLoose == n) {
                firstLoose = p;
            }
            leafOfPosition[p] = l >= 0 ? l : known + (p - firstLoose);
        }
        looseStart = firstLoose;
        looseCount = n - firstLoose;
        int higher = topology.switches().size() - known;
        int groups = known + higher + 1;
        root = groups - 1;
        parent = new int[groups];
        level = new int[groups];
        rootLevel = Math.max(2, topology.height() + 1);
        for (int g = 0; g < root; g++) {
            int up = topology.parent(g);
            parent[g] = up < 0 ? root : up;
            level[g] = g < known ? 1 : topology.level(g);
        }
        parent[root] = -1;
        level[root] = rootLevel;
        leafLo = new int[groups];
        leafHi = new int[groups];
        Arrays.fill(leafLo, Integer.MAX_VALUE);
        for (int l = 0; l < known; l++) {
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
            if (leafLo[g] < leafHi[g] || g == root) {
                byLevel.get(level[g]).add(g);
            }
        }
        atLevel = new int[rootLevel + 1][];
        for (int i = 0; i <= rootLevel; i++) {
            atLevel[i] = byLevel.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        start = new int[known];
        end = new int[known];
        Arrays.fill(start, looseStart);
        for (int p = looseStart - 1; p >= 0; p--) {
            start[leafOfPosition[p]] = p;
        }
        for (int p = 0; p < looseStart; p++) {
            end[leafOfPosition[p]] = p + 1;
        }
        width = Math.max(1, maxFree) + 1;
        atLeast = new int[known * width];
        leafFree = new int[known];
        looseAtLeast = new int[width];
        looseExactly = new BitSet[width];
        for (int f = 0; f < width; f++) {
            looseExactly[f] = new BitSet();
        }
        for (int p = 0; p < n; p++) {
            int f = Math.max(0, Math.min(free[p], width - 1));
            if (p >= looseStart) {
                looseExactly[f].set(p);
                for (int g = 1; g <= f; g++) {
                    looseAtLeast[g]++;
                }
                continue;
            }
            int l = leafOfPosition[p];
            leafFree[l] += Math.max(0, free[p]);
            for (int g = 1; g <= f; g++) {
                atLeast[l * width + g]++;
            }
        }
    }

    /** How many counting slots {@link #slot} uses: one per leaf, plus one for all loose nodes. */
    int slots() {
        return known + 1;
    }

    /** The counting slot of a position: its leaf, or {@code known} for every loose node. */
    int slot(int position) {
        return position >= looseStart ? known : leafOfPosition[position];
    }

    /** Leaves for spans and tests: the topology's, then one virtual leaf per loose node. */
    int leaves() {
        return known + looseCount;
    }

    /** The leaf of a position; a loose node's virtual leaf is {@code known + k}. */
    int leafOf(int position) {
        return leafOfPosition[position];
    }

    /**
     * The parent of group {@code g} in the numbering of {@link #leaves()}: leaves first (virtual
     * ones included), then the higher switches, the root last; -1 for the root.
     */
    int parent(int g) {
        if (g < known) {
            return external(parent[g]);
        }
        if (g < known + looseCount) {
            return external(root);
        }
        return parent[g - looseCount] < 0 ? -1 : external(parent[g - looseCount]);
    }

    /** The level of group {@code g} (numbered as in {@link #parent}): 1 for a leaf. */
    int level(int g) {
        if (g < known + looseCount) {
            return 1;
        }
        return level[g - looseCount];
    }

    int rootLevel() {
        return rootLevel;
    }

    private int external(int group) {
        return group < known ? group : group + looseCount;
    }

    /** The profile took or gave GPUs at {@code position} now: its free count went from {@code before} to {@code after}. */
    void freeChanged(int position, int before, int after) {
        int b = Math.max(0, Math.min(before, width - 1));
        int a = Math.max(0, Math.min(after, width - 1));
        if (position >= looseStart) {
            looseExactly[b].clear(position);
            looseExactly[a].set(position);
            for (int g = a + 1; g <= b; g++) {
                looseAtLeast[g]--;
            }
            for (int g = b + 1; g <= a; g++) {
                looseAtLeast[g]++;
            }
            return;
        }
        int l = leafOfPosition[position];
        leafFree[l] += Math.max(0, after) - Math.max(0, before);
        int base = l * width;
        for (int g = Math.max(1, a + 1); g <= b; g++) {
            atLeast[base + g]--;
        }
        for (int g = Math.max(1, b + 1); g <= a; g++) {
            atLeast[base + g]++;
        }
    }

    /** Per slot: how many nodes have at least {@code gpus} GPUs free now (reservations aside). */
    int[] eligibleNow(int gpus) {
        int[] out = new int[known + 1];
        if (gpus >= width) {
            return out;
        }
        for (int l = 0, at = gpus; l < known; l++, at += width) {
            out[l] = atLeast[at];
        }
        out[known] = looseAtLeast[Math.max(0, gpus)];
        return out;
    }

    /**
     * Chooses {@code count} positions that {@code fits} accepts, {@code eligible[s]} of them in slot
     * {@code s}, by the placement objective; null when fewer exist. Positions come in ascending order.
     *
     * @param byFreeNow whether the job starts now (best fit then compares GPUs free now)
     */
    int[] place(int count, int gpus, int[] eligible, Fits fits, boolean byFreeNow) {
        long total = 0;
        for (int e : eligible) {
            total += e;
        }
        if (count <= 0 || total < count) {
            return null;
        }
        if (count == 1) {
            int p = byFreeNow ? tightestNow(Math.max(1, gpus), eligible, fits) : inMostUsedLeaf(eligible, fits);
            return p < 0 ? null : new int[] {p};
        }
        return gang(count, gpus, eligible, fits, byFreeNow);
    }

    /**
     * One node starting now: the fewest GPUs free that still fit; a loose node first (a leaf of its
     * own, the busiest there is), else the busiest leaf (fewest GPUs free) with such a node, first by
     * position. Whole free nodes and whole free leaves stay whole for gangs.
     */
    private int tightestNow(int gpus, int[] eligible, Fits fits) {
        boolean[] tried = null;
        for (int f = gpus; f < width; f++) {
            if (eligible[known] > 0) {
                BitSet at = looseExactly[f];
                for (int p = at.nextSetBit(looseStart); p >= 0; p = at.nextSetBit(p + 1)) {
                    if (fits.test(p)) {
                        return p;
                    }
                }
            }
            if (tried != null) {
                Arrays.fill(tried, false);
            }
            while (true) {
                // The busiest leaf with a node at exactly f GPUs free: O(leaves), no scan of nodes.
                int best = -1;
                for (int l = 0; l < known; l++) {
                    int base = l * width;
                    int exactly = atLeast[base + f] - (f + 1 < width ? atLeast[base + f + 1] : 0);
                    if (exactly > 0 && eligible[l] > 0 && (tried == null || !tried[l])
                            && (best < 0 || leafFree[l] < leafFree[best])) {
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
                if (tried == null) {
                    tried = new boolean[known];
                }
                tried[best] = true; // its nodes at f are ruled out (a reservation ahead, or a filter)
            }
        }
        return -1;
    }

    /** One node at a later time: the tightest fitting loose node, else the tightest node of the busiest leaf that has one. */
    private int inMostUsedLeaf(int[] eligible, Fits fits) {
        if (eligible[known] > 0) {
            int chosen = -1;
            for (int p = looseStart; p < free.length; p++) {
                if ((chosen < 0 || free[p] < free[chosen]) && fits.test(p)) {
                    chosen = p;
                }
            }
            if (chosen >= 0) {
                return chosen;
            }
        }
        boolean[] tried = new boolean[known];
        while (true) {
            int best = -1;
            for (int l = 0; l < known; l++) {
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

    private int[] gang(int count, int gpus, int[] eligible, Fits fits, boolean byFreeNow) {
        int[] sum = new int[parent.length];
        for (int l = 0; l < known; l++) {
            if (eligible[l] > 0) {
                for (int a = l; a >= 0; a = parent[a]) {
                    sum[a] += eligible[l];
                }
            }
        }
        sum[root] += eligible[known];
        for (int lvl = 1; lvl <= rootLevel; lvl++) {
            int best = -1;
            int bestLeaves = Integer.MAX_VALUE;
            int bestSum = Integer.MAX_VALUE;
            for (int g : atLevel[lvl]) {
                if (sum[g] < count) {
                    continue;
                }
                int m = g < known ? 1 : leavesNeeded(g, count, eligible);
                if (m < bestLeaves || m == bestLeaves && sum[g] < bestSum) {
                    best = g;
                    bestLeaves = m;
                    bestSum = sum[g];
                }
            }
            if (best >= 0) {
                return takeFrom(best, bestLeaves, count, gpus, eligible, fits, byFreeNow);
            }
        }
        return null;
    }

    /**
     * The fewest leaves under group {@code g} whose eligible nodes add up to {@code count}, largest
     * first (loose nodes under the root count as leaves of one).
     */
    private int leavesNeeded(int g, int count, int[] eligible) {
        int max = 1;
        for (int l = leafLo[g]; l < leafHi[g]; l++) {
            max = Math.max(max, eligible[l]);
        }
        int[] howMany = new int[max + 1];
        for (int l = leafLo[g]; l < leafHi[g]; l++) {
            howMany[eligible[l]]++;
        }
        if (g == root) {
            howMany[1] += eligible[known];
        }
        long taken = 0;
        int m = 0;
        for (int v = max; v > 0; v--) {
            int needed = (int) Math.min(howMany[v], (count - taken + v - 1) / v);
            taken += (long) needed * v;
            m += needed;
            if (taken >= count) {
                return m;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * Takes {@code count} nodes from {@code m} leaves of group {@code g}: all eligible nodes of the
     * {@code m - 1} fullest leaves (loose nodes last, as leaves of one), then the rest from the
     * tightest leaf that holds it.
     */
    private int[] takeFrom(int g, int m, int count, int gpus, int[] eligible, Fits fits, boolean byFreeNow) {
        int lo = leafLo[g] == Integer.MAX_VALUE ? 0 : leafLo[g];
        int hi = leafHi[g];
        long[] order = new long[Math.max(0, hi - lo)];
        int k = 0;
        for (int l = lo; l < hi; l++) {
            if (eligible[l] > 0) {
                // Most eligible first, then lower leaf number.
                order[k++] = ((long) (Integer.MAX_VALUE - eligible[l]) << 32) | l;
            }
        }
        Arrays.sort(order, 0, k);
        int looseLeft = g == root ? eligible[known] : 0;
        int[] out = new int[count];
        int filled = 0;
        boolean[] used = new boolean[k];
        int looseTaken = 0;
        for (int i = 0, t = 0; t < m - 1; t++) {
            if (i < k) {
                int l = (int) order[i];
                used[i++] = true;
                filled = nodesIn(l, eligible[l], fits, out, filled);
            } else {
                looseTaken++;
            }
        }
        int rest = count - filled - looseTaken;
        int last = -1;
        if (!(rest == 1 && looseLeft > looseTaken)) {
            for (int i = 0; i < k; i++) {
                int l = (int) order[i];
                if (!used[i] && eligible[l] >= rest && (last < 0 || eligible[l] < eligible[last]
                        || eligible[l] == eligible[last] && leafFree[l] < leafFree[last])) {
                    last = l;
                }
            }
            if (last < 0) {
                return null;
            }
            filled = nodesIn(last, rest, fits, out, filled);
        } else {
            looseTaken++;
        }
        if (looseTaken > 0) {
            filled = looseNodes(looseTaken, gpus, fits, byFreeNow, out, filled);
        }
        if (filled != count) {
            return null;
        }
        Arrays.sort(out);
        return out;
    }

    /** Appends {@code need} loose positions that fit, tightest first, to {@code out}. */
    private int looseNodes(int need, int gpus, Fits fits, boolean byFreeNow, int[] out, int filled) {
        int target = filled + need;
        if (byFreeNow) {
            for (int f = Math.max(1, gpus); f < width && filled < target; f++) {
                BitSet at = looseExactly[f];
                for (int p = at.nextSetBit(looseStart); p >= 0 && filled < target; p = at.nextSetBit(p + 1)) {
                    if (fits.test(p)) {
                        out[filled++] = p;
                    }
                }
            }
            return filled;
        }
        long[] candidates = new long[looseCount];
        int k = 0;
        for (int p = looseStart; p < free.length; p++) {
            if (fits.test(p)) {
                candidates[k++] = ((long) Math.max(0, free[p]) << 32) | p;
            }
        }
        Arrays.sort(candidates, 0, k);
        for (int i = 0; i < k && filled < target; i++) {
            out[filled++] = (int) candidates[i];
        }
        return filled;
    }

    /** Appends {@code need} positions of leaf {@code l} that fit, tightest first (fewest GPUs free), to {@code out}. */
    private int nodesIn(int l, int need, Fits fits, int[] out, int filled) {
        long[] candidates = new long[end[l] - start[l]];
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

    Span span(int[] positions) {
        if (positions.length == 0) {
            return new Span(0, 0);
        }
        BitSet touched = new BitSet();
        for (int p : positions) {
            touched.set(leafOfPosition[p]);
        }
        if (positions.length == 1) {
            return new Span(0, 1);
        }
        int a = leafOfPosition[positions[0]];
        for (int p : positions) {
            a = commonAncestor(a, leafOfPosition[p]);
        }
        return new Span(level(a), touched.cardinality());
    }

    private int commonAncestor(int x, int y) {
        while (x != y) {
            if (level(x) <= level(y) && parent(x) >= 0) {
                x = parent(x);
            } else {
                y = parent(y);
            }
        }
        return x;
    }
}
