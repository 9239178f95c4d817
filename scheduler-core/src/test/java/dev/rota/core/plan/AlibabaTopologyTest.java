package dev.rota.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Placement on a real production shape: the Alibaba Lingjun 2023 cluster (847 hosts under 119 ToR
 * switches of 2 to 8 hosts, 3 aggregation switches, 1 core), 8 GPUs per host assumed. A stream of
 * seeded jobs fills the cluster; every gang must touch the fewest ToRs that can hold it, at the
 * lowest tier that can. The minimum is computed independently here: largest free ToRs first, which
 * is optimal for "fewest ToRs reaching N hosts" (and was checked against an exhaustive knapsack in
 * {@link TopologyPlacementTest}).
 */
class AlibabaTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    /** ToR id ("PSW/ASW") to its hosts, and PSW to its ToRs. */
    record Shape(Map<String, List<String>> torHosts, Map<String, List<String>> pswTors, Topology topology) {
    }

    static Shape shape() throws IOException {
        String csv;
        try (InputStream in = AlibabaTopologyTest.class.getResourceAsStream("/topology/alibaba-lingjun-2023.csv")) {
            csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, List<String>> torHosts = new TreeMap<>();
        Map<String, List<String>> pswTors = new TreeMap<>();
        Map<String, String> dswOf = new TreeMap<>();
        for (String line : csv.split("\n")) {
            if (line.startsWith("#") || line.startsWith("ip,") || line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(",");
            String tor = f[2] + "/" + f[3];
            torHosts.computeIfAbsent(tor, k -> new ArrayList<>()).add(f[0]);
            if (!pswTors.computeIfAbsent(f[2], k -> new ArrayList<>()).contains(tor)) {
                pswTors.get(f[2]).add(tor);
            }
            dswOf.put(f[2], f[1]);
        }
        List<Topology.Switch> switches = new ArrayList<>();
        torHosts.forEach((tor, hosts) -> switches.add(new Topology.Switch(tor, hosts, List.of())));
        pswTors.forEach((psw, tors) -> switches.add(new Topology.Switch(psw, List.of(), tors)));
        Map<String, List<String>> dswPsws = new TreeMap<>();
        dswOf.forEach((psw, dsw) -> dswPsws.computeIfAbsent(dsw, k -> new ArrayList<>()).add(psw));
        dswPsws.forEach((dsw, psws) -> switches.add(new Topology.Switch(dsw, List.of(), psws)));
        return new Shape(torHosts, pswTors, new Topology(switches));
    }

    @Test
    void theFileHasTheDocumentedShape() throws IOException {
        Shape s = shape();

        assertThat(s.topology().nodeCount()).isEqualTo(847);
        assertThat(s.topology().leafCount()).isEqualTo(119);
        assertThat(s.topology().height()).isEqualTo(3);
        assertThat(s.pswTors().keySet()).containsExactly("P10", "P12", "P8");
        assertThat(s.torHosts().values().stream().filter(h -> h.size() == 8).count()).isEqualTo(68);
    }

    @Test
    void everyGangTouchesTheFewestTorsAtTheLowestTier() throws IOException {
        Shape s = shape();
        AvailabilityProfile profile = new AvailabilityProfile(T0, s.topology());
        Map<String, Integer> free = new TreeMap<>();
        for (List<String> hosts : s.torHosts().values()) {
            for (String h : hosts) {
                profile.node(h, 8);
                free.put(h, 8);
            }
        }
        Random r = new Random(2023);
        int gangs = 0;
        int torLocal = 0;
        for (int job = 0; job < 400; job++) {
            int nodes = List.of(1, 2, 2, 4, 4, 8, 8, 8, 16, 32).get(r.nextInt(10));
            int gpus = nodes == 1 ? List.of(1, 2, 4, 8).get(r.nextInt(4)) : 8;
            Optional<List<String>> placed = profile.fit(nodes, gpus, T0, HOUR);
            int[] best = fewestTors(s, free, nodes, gpus);
            assertThat(placed.isPresent()).as("job %d: %d nodes", job, nodes).isEqualTo(best != null);
            if (placed.isEmpty()) {
                continue;
            }
            if (nodes > 1) {
                gangs++;
                TopologyIndex.Span span = profile.index().span(
                        placed.get().stream().mapToInt(profile::positionOf).toArray());
                assertThat(span.level()).as("job %d (%d nodes): tier", job, nodes).isEqualTo(best[0]);
                assertThat(span.leaves()).as("job %d (%d nodes): ToRs", job, nodes).isEqualTo(best[1]);
                if (span.leaves() == 1) {
                    torLocal++;
                }
            }
            for (String h : placed.get()) {
                assertThat(free.get(h)).isGreaterThanOrEqualTo(gpus);
                profile.take(h, T0, T0.plus(HOUR), gpus);
                free.merge(h, -gpus, Integer::sum);
            }
        }
        assertThat(gangs).isGreaterThan(50);
        System.out.printf("AlibabaTopologyTest: %d gangs placed, %d of them inside one ToR%n", gangs, torLocal);
    }

    /** {tier, ToRs} of the best placement: ToR (1), one PSW (2), the core (3); null when none fits. */
    private static int[] fewestTors(Shape s, Map<String, Integer> free, int nodes, int gpus) {
        Map<String, Integer> perTor = new TreeMap<>();
        s.torHosts().forEach((tor, hosts) -> perTor.put(tor,
                (int) hosts.stream().filter(h -> free.get(h) >= gpus).count()));
        int total = perTor.values().stream().mapToInt(Integer::intValue).sum();
        if (total < nodes) {
            return null;
        }
        if (nodes == 1) {
            return new int[] {0, 1};
        }
        if (perTor.values().stream().anyMatch(c -> c >= nodes)) {
            return new int[] {1, 1};
        }
        int bestPsw = Integer.MAX_VALUE;
        for (List<String> tors : s.pswTors().values()) {
            bestPsw = Math.min(bestPsw, largestFirst(tors.stream().map(perTor::get).toList(), nodes));
        }
        if (bestPsw != Integer.MAX_VALUE) {
            return new int[] {2, bestPsw};
        }
        return new int[] {3, largestFirst(new ArrayList<>(perTor.values()), nodes)};
    }

    private static int largestFirst(List<Integer> counts, int nodes) {
        List<Integer> sorted = new ArrayList<>(counts);
        sorted.sort((a, b) -> b - a);
        int sum = 0;
        for (int i = 0; i < sorted.size(); i++) {
            sum += sorted.get(i);
            if (sum >= nodes) {
                return i + 1;
            }
        }
        return Integer.MAX_VALUE;
    }
}
