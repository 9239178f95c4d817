package dev.rota.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.sim.cluster.ClusterShape;
import dev.rota.sim.cli.SimMain;
import dev.rota.sim.trace.SyntheticTrace;
import dev.rota.sim.trace.TimeLimits;
import dev.rota.sim.trace.Trace;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Same trace, cluster, policy and seed: the same decision log, byte for byte, in one JVM and in two. */
class DeterminismTest {

    private static Trace synthetic(long seed) {
        Trace t = new SyntheticTrace(1500, 120, 32, 0.3, 900, 1.8, 4, SyntheticTrace.DEFAULT_START).generate(seed);
        return t.withJobs(TimeLimits.DEFAULT.apply(t.jobs(), seed));
    }

    private static String log(Trace trace, String policy) {
        StringWriter w = new StringWriter();
        new Simulation(trace, new ClusterShape(12, 8, 4), SimPolicy.named(policy, trace, null), w).run();
        return w.toString();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fifo", "easy", "rota", "sjf-oracle"})
    void the_same_seed_gives_the_same_log_and_another_seed_another(String policy) {
        String first = log(synthetic(7), policy);
        assertThat(log(synthetic(7), policy)).isEqualTo(first);
        assertThat(first.lines().filter(l -> l.contains(" end ")).count()).isEqualTo(1500);
        assertThat(log(synthetic(8), policy)).isNotEqualTo(first);
    }

    @Test
    void two_jvms_write_byte_identical_decision_logs(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        for (Path out : List.of(a, b)) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SimMain.class.getName(),
                    "--trace", "synthetic:jobs=800,rate=90,accounts=3", "--cluster", "6x8,leaf=2",
                    "--policies", "easy,rota", "--seed", "11", "--out", out.toString(), "--json"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(out.getFileName() + ".out").toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rota-sim finished").isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve(out.getFileName() + ".out"))).isZero();
        }
        for (String policy : List.of("easy", "rota")) {
            byte[] left = Files.readAllBytes(a.resolve(policy).resolve("decisions.log"));
            assertThat(left.length).isGreaterThan(10_000);
            assertThat(Files.readAllBytes(b.resolve(policy).resolve("decisions.log"))).isEqualTo(left);
        }
        // The figures agree too, except wall time.
        String ja = Files.readString(a.resolve("results.json")).replaceAll("\"wall_seconds\": [0-9.]+", "");
        String jb = Files.readString(b.resolve("results.json")).replaceAll("\"wall_seconds\": [0-9.]+", "");
        assertThat(jb).isEqualTo(ja);
        assertThat(Files.readString(a.resolve("jct-cdf.svg"))).isEqualTo(Files.readString(b.resolve("jct-cdf.svg")));
    }
}
