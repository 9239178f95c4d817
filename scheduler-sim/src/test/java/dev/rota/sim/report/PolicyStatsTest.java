package dev.rota.sim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rota.sim.run.JobOutcome;
import dev.rota.sim.run.RunResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The figures, computed by hand on a few jobs. */
class PolicyStatsTest {
    static final Instant T = Instant.parse("2017-10-01T00:00:00Z");

    private static JobOutcome job(int i, String account, int gpus, int nodes, long submit, long start, long end,
            int leaves, int minLeaves) {
        return new JobOutcome(i, account, gpus, nodes, T.plusSeconds(submit), T.plusSeconds(start),
                T.plusSeconds(end), "COMPLETED", leaves, minLeaves);
    }

    @Test
    void percentiles_slowdown_shares_and_leaves() {
        List<JobOutcome> jobs = List.of(
                job(0, "a", 1, 1, 0, 0, 100, 1, 1),       // JCT 100, wait 0, slowdown 1
                job(1, "a", 8, 1, 0, 100, 105, 1, 1),     // JCT 105, run 5 -> bound 10: 10.5
                job(2, "b", 16, 2, 10, 20, 420, 2, 1),    // JCT 410, wait 10, 2 leaves (min 1)
                job(3, "b", 16, 2, 20, 420, 820, 1, 1),   // JCT 800, wait 400
                new JobOutcome(4, "b", 64, 8, T, null, null, "REJECTED", 0, 1));
        RunResult run = new RunResult("p", T, T.plusSeconds(820), jobs, 32, 32 * 410.0, 400, 3200, 800,
                new double[0], new double[0], 1, "", 0,
                new TreeMap<>(Map.of("a", new RunResult.AccountTime(100, 800), "b", new RunResult.AccountTime(0, 0))));
        PolicyStats s = PolicyStats.of(run, new TreeMap<>(Map.of("a", 3L, "b", 1L)));

        assertThat(s.completed()).isEqualTo(4);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.jctMean()).isCloseTo((100 + 105 + 410 + 800) / 4.0, within(1e-9));
        assertThat(s.jctMedian()).isEqualTo(105);
        assertThat(s.jctP99()).isEqualTo(800);
        assertThat(s.waitMean()).isCloseTo((0 + 100 + 10 + 400) / 4.0, within(1e-9));
        assertThat(s.waitMax()).isEqualTo(400);
        assertThat(s.boundedSlowdown()).isCloseTo((1 + 10.5 + 410 / 400.0 + 2) / 4, within(1e-9));
        assertThat(s.makespan()).isEqualTo(820);
        assertThat(s.allocationRatio()).isCloseTo(0.5, within(1e-9));
        assertThat(s.idleWhileQueued()).isCloseTo(3200 / (32 * 400.0), within(1e-9));
        assertThat(s.partialFreeShare()).isCloseTo(0.25, within(1e-9));
        assertThat(s.multiNodeJobs()).isEqualTo(2);
        assertThat(s.multiNodeOnMinimumLeaves()).isEqualTo(1);
        assertThat(s.multiNodeExtraLeaves()).isEqualTo(1);
        double gpuSecondsA = 100 + 8 * 5;
        double gpuSecondsB = 16 * 400 * 2;
        assertThat(s.accounts().get("a").gpuHours()).isCloseTo(gpuSecondsA / 3600, within(1e-9));
        assertThat(s.accounts().get("b").share()).isCloseTo(gpuSecondsB / (gpuSecondsA + gpuSecondsB), within(1e-9));
        assertThat(s.accounts().get("a").fairShare()).isEqualTo(0.75);
        assertThat(s.accounts().get("a").shareWhileWaiting()).isCloseTo(800 / (100 * 32.0), within(1e-9));
        assertThat(s.accounts().get("a").meanWaitSeconds()).isCloseTo(50, within(1e-9));
        assertThat(s.accounts().get("b").shareWhileWaiting()).isZero();
        assertThat(s.accounts().get("b").meanWaitSeconds()).isCloseTo(205, within(1e-9));
    }

    @Test
    void nearest_rank_percentiles() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = i + 1;
        }
        assertThat(PolicyStats.percentile(v, 0.99)).isEqualTo(99);
        assertThat(PolicyStats.percentile(v, 0.5)).isEqualTo(50);
        assertThat(PolicyStats.percentile(new double[] {7}, 0.99)).isEqualTo(7);
        assertThat(PolicyStats.percentile(new double[0], 0.5)).isZero();
    }
}
