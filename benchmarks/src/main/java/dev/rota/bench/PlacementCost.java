package dev.rota.bench;

import dev.rota.core.plan.AvailabilityProfile;
import dev.rota.core.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One topology-aware placement decision (issue #7) on a 100,000-GPU cluster: 12,500 nodes x 8
 * GPUs in a three-level tree (32 nodes per leaf switch, 16 leaves per spine, one core), 70% of the
 * GPUs taken (58% of nodes full, 24% partly used, 18% free, seeded), and 64 reserved nodes ahead
 * (eight reservations of eight nodes) so the reservation check is on the path. Each invocation asks
 * the profile where a job goes; the profile is the one a scheduling cycle builds once and asks for
 * every pending job, so building it is not measured (the cycle benchmark covers that).
 *
 * <pre>java -cp benchmarks/target/rota-benchmarks.jar org.openjdk.jmh.Main PlacementCost</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
@Fork(value = 3, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class PlacementCost {
    private static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");
    private static final Duration LIMIT = Duration.ofHours(4);

    @Param("12500")
    public int nodes;

    private AvailabilityProfile profile;

    @Setup(Level.Trial)
    public void fill() {
        Random r = new Random(7);
        List<Topology.Switch> switches = new ArrayList<>();
        List<String> leaves = new ArrayList<>();
        for (int first = 0; first < nodes; first += 32) {
            List<String> members = new ArrayList<>();
            for (int n = first; n < Math.min(nodes, first + 32); n++) {
                members.add(String.format("gpu%05d", n + 1));
            }
            String leaf = String.format("leaf%03d", leaves.size() + 1);
            leaves.add(leaf);
            switches.add(new Topology.Switch(leaf, members, List.of()));
        }
        List<String> spines = new ArrayList<>();
        for (int i = 0; i < leaves.size(); i += 16) {
            String spine = String.format("spine%02d", spines.size() + 1);
            spines.add(spine);
            switches.add(new Topology.Switch(spine, List.of(), leaves.subList(i, Math.min(leaves.size(), i + 16))));
        }
        switches.add(new Topology.Switch("core", List.of(), spines));
        profile = new AvailabilityProfile(T0, new Topology(switches));
        List<String> names = new ArrayList<>();
        int[] freeOf = new int[nodes];
        long free = 0;
        for (int n = 0; n < nodes; n++) {
            double roll = r.nextDouble();
            freeOf[n] = roll < 0.58 ? 0 : roll < 0.82 ? 1 + r.nextInt(7) : 8;
            String name = String.format("gpu%05d", n + 1);
            names.add(name);
            profile.node(name, freeOf[n]);
            free += freeOf[n];
        }
        for (int n = 0; n < nodes; n++) {
            if (freeOf[n] < 8) {
                // Running jobs end at staggered times within their limits.
                profile.release(names.get(n), T0.plus(Duration.ofMinutes(10 + r.nextInt(600))), 8 - freeOf[n]);
            }
        }
        for (int k = 0; k < 64; k++) {
            String name = names.get(r.nextInt(names.size()));
            profile.take(name, T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(9)), 8);
        }
        System.out.printf("%nPlacementCost: %d nodes, %d leaves, %.1f%% of GPUs taken%n", nodes, leaves.size(),
                100.0 - 100.0 * free / (nodes * 8L));
    }

    /** A 1,024-GPU gang: 128 whole nodes (target: 5 ms at p99). */
    @Benchmark
    public Optional<List<String>> gangOf128Nodes() {
        return profile.fit(128, 8, T0, LIMIT);
    }

    /** A one-GPU job (target: 50 microseconds at p99). */
    @Benchmark
    public Optional<List<String>> oneGpu() {
        return profile.fit(1, 1, T0, LIMIT);
    }

    /** A four-node gang of whole nodes: the common multi-node size. */
    @Benchmark
    public Optional<List<String>> gangOf4Nodes() {
        return profile.fit(4, 8, T0, LIMIT);
    }
}
