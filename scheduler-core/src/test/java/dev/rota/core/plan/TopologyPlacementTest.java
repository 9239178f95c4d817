package dev.rota.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The placer against an exhaustive oracle on small random clusters (up to 64 nodes, one to three
 * switch levels, nodes the topology does not mention, partition filters and reservations ahead):
 * it finds a placement exactly when one exists, never puts a job where its GPUs are not free, and
 * spans the optimal topology level with the optimal number of leaves. Each seed places a sequence
 * of jobs, taking what each gets, so the incremental per-leaf index is checked after every start.
 */
class TopologyPlacementTest {
    private static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private static final int GPUS = 8;

    private static int gangs;
    private static int tieBreaksDiffering;

    /** A random cluster: its topology, its nodes (some unmentioned), GPUs free now and reserved later. */
    record Cluster(Topology topology, List<String> nodes, Map<String, Integer> free, Map<String, Integer> reservedLater,
            Set<String> partition) {
    }

    static Cluster random(Random r) {
        int levels = 1 + r.nextInt(3);
        List<Topology.Switch> switches = new ArrayList<>();
        List<String> nodes = new ArrayList<>();
        List<String> leaves = new ArrayList<>();
        int leafCount = 2 + r.nextInt(9);
        for (int l = 0; l < leafCount && nodes.size() < 56; l++) {
            List<String> members = new ArrayList<>();
            int size = 1 + r.nextInt(8);
            for (int k = 0; k < size; k++) {
                String n = String.format("n%02d", nodes.size() + 1);
                nodes.add(n);
                members.add(n);
            }
            String leaf = String.format("leaf%02d", l + 1);
            leaves.add(leaf);
            switches.add(new Topology.Switch(leaf, members, List.of()));
        }
        List<String> below = leaves;
        for (int level = 2; level <= levels; level++) {
            List<String> above = new ArrayList<>();
            for (int i = 0; i < below.size(); ) {
                int take = Math.min(below.size() - i, 1 + r.nextInt(4));
                String name = String.format("s%d-%02d", level, above.size() + 1);
                switches.add(new Topology.Switch(name, List.of(), below.subList(i, i + take)));
                above.add(name);
                i += take;
            }
            below = above;
        }
        // A few nodes the topology does not mention: each is its own leaf under the root.
        int loose = r.nextInt(3) == 0 ? 1 + r.nextInt(6) : 0;
        for (int k = 0; k < loose && nodes.size() < 64; k++) {
            nodes.add(String.format("x%02d", k + 1));
        }
        Map<String, Integer> free = new HashMap<>();
        Map<String, Integer> reserved = new HashMap<>();
        Set<String> partition = new HashSet<>();
        for (String n : nodes) {
            int roll = r.nextInt(10);
            free.put(n, roll < 4 ? GPUS : roll < 6 ? 0 : r.nextInt(GPUS + 1));
            if (r.nextInt(12) == 0) {
                reserved.put(n, 1 + r.nextInt(GPUS));
            }
            if (r.nextInt(4) != 0) {
                partition.add(n);
            }
        }
        return new Cluster(new Topology(switches), nodes, free, reserved, partition);
    }

    static Stream<Long> seeds() {
        return IntStream.range(0, 300).mapToObj(i -> 0x7000L + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void placerMatchesTheOracle(long seed) {
        Random r = new Random(seed);
        Cluster c = random(r);
        AvailabilityProfile profile = new AvailabilityProfile(T0, c.topology());
        Map<String, Integer> free = new HashMap<>(c.free());
        for (String n : c.nodes()) {
            profile.node(n, free.get(n));
        }
        // Reservations ahead: GPUs taken from half an hour on, inside a one-hour job's window.
        for (Map.Entry<String, Integer> e : c.reservedLater().entrySet()) {
            profile.take(e.getKey(), T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofHours(3)), e.getValue());
        }
        boolean filtered = r.nextBoolean();
        BitSet allowed = filtered ? profile.allowed("p", c.partition()::contains) : null;
        for (int job = 0; job < 12; job++) {
            int gpus = List.of(1, 2, 4, 8, 8).get(r.nextInt(5));
            int count = 1 + r.nextInt(r.nextBoolean() ? 4 : 16);
            Set<String> eligible = new HashSet<>();
            for (String n : c.nodes()) {
                int later = free.get(n) - c.reservedLater().getOrDefault(n, 0);
                boolean in = !filtered || c.partition().contains(n);
                if (in && free.get(n) >= gpus && later >= gpus) {
                    eligible.add(n);
                }
            }
            Oracle best = Oracle.solve(profile, eligible, count);
            Optional<List<String>> got = profile.fit(count, gpus, T0, HOUR, allowed);

            assertThat(got.isPresent()).as("job %d: %d x %d GPUs; a placement exists: %s", job, count, gpus, best != null)
                    .isEqualTo(best != null);
            if (got.isEmpty()) {
                continue;
            }
            List<String> nodes = got.get();
            assertThat(nodes).hasSize(count).doesNotHaveDuplicates();
            assertThat(nodes).allSatisfy(n -> assertThat(eligible).as("node %s can take %d GPUs", n, gpus).contains(n));
            int[] positions = nodes.stream().mapToInt(profile::positionOf).toArray();
            TopologyIndex.Span span = profile.index().span(positions);
            assertThat(span.level()).as("job %d (%d nodes): highest level spanned", job, count).isEqualTo(best.level());
            assertThat(span.leaves()).as("job %d (%d nodes): leaves touched", job, count).isEqualTo(best.leaves());
            if (count > 1) {
                gangs++;
                if (Oracle.slack(profile, eligible, nodes) != best.slack()) {
                    tieBreaksDiffering++;
                }
            }
            for (String n : nodes) {
                profile.take(n, T0, T0.plus(HOUR), gpus);
                free.merge(n, -gpus, Integer::sum);
            }
        }
    }

    /**
     * The optimum by exhaustion: for every switch (and the root), the fewest leaves under it whose
     * eligible nodes add up to the job, by a knapsack over leaf subsets (not the placer's greedy).
     *
     * @param level  the lowest level that can hold the job (0: a single node)
     * @param leaves the fewest leaves at that level
     * @param slack  among those, the fewest eligible nodes left unused in the leaves touched
     */
    record Oracle(int level, int leaves, int slack) {
        static Oracle solve(AvailabilityProfile profile, Set<String> eligible, int count) {
            if (eligible.size() < count) {
                return null;
            }
            if (count == 1) {
                return new Oracle(0, 1, 0);
            }
            TopologyIndex index = profile.index();
            int[] perLeaf = perLeaf(profile, eligible);
            Oracle best = null;
            for (int g = 0; g < groupCount(index); g++) {
                List<Integer> under = new ArrayList<>();
                for (int l = 0; l < index.leaves(); l++) {
                    if (perLeaf[l] > 0 && isUnder(index, l, g)) {
                        under.add(perLeaf[l]);
                    }
                }
                int[] fewest = fewestLeaves(under, count);
                if (fewest == null) {
                    continue;
                }
                Oracle here = new Oracle(index.level(g), fewest[0], fewest[1]);
                if (best == null || here.level < best.level || here.level == best.level
                        && (here.leaves < best.leaves || here.leaves == best.leaves && here.slack < best.slack)) {
                    best = here;
                }
            }
            return best;
        }

        /** Eligible nodes left unused in the leaves a placement touches. */
        static int slack(AvailabilityProfile profile, Set<String> eligible, List<String> nodes) {
            int[] perLeaf = perLeaf(profile, eligible);
            Set<Integer> touched = new HashSet<>();
            for (String n : nodes) {
                touched.add(profile.index().leafOf(profile.positionOf(n)));
            }
            return touched.stream().mapToInt(l -> perLeaf[l]).sum() - nodes.size();
        }

        static int[] perLeaf(AvailabilityProfile profile, Set<String> eligible) {
            int[] perLeaf = new int[profile.index().leaves()];
            for (String n : eligible) {
                perLeaf[profile.index().leafOf(profile.positionOf(n))]++;
            }
            return perLeaf;
        }

        /** Groups are numbered up to the root, the only one without a parent. */
        static int groupCount(TopologyIndex index) {
            int g = 0;
            while (index.parent(g) >= 0) {
                g++;
            }
            return g + 1;
        }

        static boolean isUnder(TopologyIndex index, int leaf, int group) {
            for (int a = leaf; a >= 0; a = index.parent(a)) {
                if (a == group) {
                    return true;
                }
            }
            return false;
        }

        /** {fewest leaves, least slack with that many} reaching {@code count}, by exhaustive knapsack; null if none. */
        static int[] fewestLeaves(List<Integer> sizes, int count) {
            int total = sizes.stream().mapToInt(Integer::intValue).sum();
            if (total < count) {
                return null;
            }
            // reach[j][s]: some j leaves hold exactly s eligible nodes.
            boolean[][] reach = new boolean[sizes.size() + 1][total + 1];
            reach[0][0] = true;
            for (int size : sizes) {
                for (int j = sizes.size() - 1; j >= 0; j--) {
                    for (int s = total - size; s >= 0; s--) {
                        if (reach[j][s]) {
                            reach[j + 1][s + size] = true;
                        }
                    }
                }
            }
            for (int j = 1; j <= sizes.size(); j++) {
                for (int s = count; s <= total; s++) {
                    if (reach[j][s]) {
                        return new int[] {j, s - count};
                    }
                }
            }
            return null;
        }
    }

    @Test
    void aGangLandsInTheLeafThatHoldsItWholeNotAcrossTheFirstNodes() {
        Topology t = new Topology(List.of(
                new Topology.Switch("leaf1", List.of("a1", "a2", "a3", "a4"), List.of()),
                new Topology.Switch("leaf2", List.of("b1", "b2", "b3", "b4"), List.of())));
        AvailabilityProfile profile = new AvailabilityProfile(T0, t);
        for (String n : List.of("a1", "a2", "a3", "b1", "b2", "b3", "b4")) {
            profile.node(n, 8);
        }
        profile.node("a4", 0);

        assertThat(profile.fit(4, 8, T0, HOUR)).contains(List.of("b1", "b2", "b3", "b4"));
        // Three nodes fit in either leaf: the tighter one (leaf1) keeps leaf2 whole.
        assertThat(profile.fit(3, 8, T0, HOUR)).contains(List.of("a1", "a2", "a3"));
    }

    @Test
    void aSmallJobPacksOntoAPartlyUsedNodeInTheBusiestLeaf() {
        Topology t = new Topology(List.of(
                new Topology.Switch("leaf1", List.of("a1", "a2"), List.of()),
                new Topology.Switch("leaf2", List.of("b1", "b2"), List.of())));
        AvailabilityProfile profile = new AvailabilityProfile(T0, t);
        profile.node("a1", 8);
        profile.node("a2", 8);
        profile.node("b1", 8);
        profile.node("b2", 3);

        assertThat(profile.fit(1, 2, T0, HOUR)).contains(List.of("b2"));
        // Four GPUs do not fit on b2: a whole node of the busier leaf, so leaf1 stays whole.
        assertThat(profile.fit(1, 4, T0, HOUR)).contains(List.of("b1"));
    }

    @AfterAll
    static void report() {
        System.out.printf("TopologyPlacementTest: %d gangs placed; best-fit tie-breaking left more unused eligible"
                + " nodes in the touched leaves than the oracle's best in %d (%.1f%%)%n", gangs, tieBreaksDiffering,
                gangs == 0 ? 0.0 : 100.0 * tieBreaksDiffering / gangs);
    }
}
