package dev.rota.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.sim.cluster.ClusterShape;
import dev.rota.sim.trace.Trace;
import dev.rota.sim.trace.TraceJob;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Four jobs on one node of 4 GPUs, limits equal to durations, worked out by hand:
 *
 * <pre>
 * job  submit  run  GPUs
 *  A     0    100    2
 *  B     1    100    4     needs the whole node: waits for A
 *  C     2     50    2     fits beside A and ends before A does
 *  D     3     30    4     needs the whole node
 *
 * FIFO (strict):  A 0-100, B 100-200, C 200-250, D 250-280  JCTs 100, 199, 248, 277
 * EASY:           C backfills 2-52 (B's reservation at 100 is safe); B 100-200, D 200-230
 *                 JCTs 100, 199, 50, 227
 * SJF (greedy):   C starts at 2 as in EASY; at 100 D (30 s) goes before B (100 s): D 100-130,
 *                 B 130-230; JCTs 100, 229, 50, 127
 * </pre>
 */
class HandCheckedScenarioTest {
    static final Instant T0 = Instant.parse("2017-10-01T00:00:00Z");

    static Trace trace() {
        List<TraceJob> jobs = List.of(
                job(0, 0, 100, 2), job(1, 1, 100, 4), job(2, 2, 50, 2), job(3, 3, 30, 4));
        return new Trace("hand", jobs, new TreeMap<>(Map.of("lab", 1L)));
    }

    private static TraceJob job(int index, long submit, long seconds, int gpus) {
        return new TraceJob(index, "hand#" + index, T0.plusSeconds(submit), Duration.ofSeconds(seconds), gpus, "lab",
                Duration.ofSeconds(seconds));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "fifo,       100, 199, 248, 277",
        "easy,       100, 199,  50, 227",
        "sjf-oracle, 100, 229,  50, 127",
    })
    void each_policy_gives_the_hand_computed_completion_times(String policy, long a, long b, long c, long d) {
        Trace trace = trace();
        StringWriter log = new StringWriter();
        RunResult r = new Simulation(trace, new ClusterShape(1, 4, 1), SimPolicy.named(policy, trace, null), log).run();

        assertThat(r.outcomes()).extracting(o -> o.jct().toSeconds()).containsExactly(a, b, c, d);
        assertThat(r.outcomes()).extracting(JobOutcome::state).containsOnly("COMPLETED");
        assertThat(r.end()).isEqualTo(T0.plusSeconds(Math.max(Math.max(a, b + 1), Math.max(c + 2, d + 3))));
        assertThat(log.toString()).startsWith("2017-10-01T00:00:00Z start job=1 trace=0 gpus=2 nodes=leaf0-node0\n");
    }

    /**
     * A job that outruns its limit: the engine's time-limit timer fires, its KillJob ends the attempt
     * at once, the natural exit never reaches the engine, and the next job starts in its place.
     */
    @Test
    void a_job_over_its_limit_times_out_and_frees_its_gpus() {
        Trace trace = new Trace("timeout", List.of(
                new TraceJob(0, "t#0", T0, Duration.ofSeconds(100), 4, "lab", Duration.ofSeconds(60)),
                new TraceJob(1, "t#1", T0.plusSeconds(1), Duration.ofSeconds(10), 4, "lab", Duration.ofSeconds(10))),
                new TreeMap<>(Map.of("lab", 1L)));
        StringWriter log = new StringWriter();
        RunResult r = new Simulation(trace, new ClusterShape(1, 4, 1), SimPolicy.named("easy", trace, null), log).run();

        assertThat(r.outcomes().get(0).state()).isEqualTo("TIMEOUT");
        assertThat(r.outcomes().get(0).end()).isEqualTo(T0.plusSeconds(60));
        assertThat(r.outcomes().get(1).state()).isEqualTo("COMPLETED");
        assertThat(r.outcomes().get(1).start()).isEqualTo(T0.plusSeconds(60));
        assertThat(r.end()).isEqualTo(T0.plusSeconds(70));
        assertThat(log.toString()).contains("2017-10-01T00:01:00Z end job=1 trace=0 state=TIMEOUT\n"
                + "2017-10-01T00:01:00Z start job=2 trace=1 gpus=4 nodes=leaf0-node0\n");
    }
}
