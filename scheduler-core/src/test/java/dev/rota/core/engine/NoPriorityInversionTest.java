package dev.rota.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import dev.rota.core.policy.PolicyFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: a higher-priority job never waits behind a lower one it could have replaced. Without
 * reservations (so that nothing but priority decides), after every scheduling cycle no pending job
 * fits in the GPUs that are free: whatever could run, runs, highest priority first; and every job
 * that started in a cycle outranks (or ties with) every job still waiting that it displaced, i.e.
 * that would have fit in its place.
 */
class NoPriorityInversionTest {
    private static final int NODES = 4;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 100);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void whatever_could_run_runs_and_nothing_lower_takes_a_higher_jobs_place(long seed) throws Exception {
        // Fair share off, so that priorities only drift with age and their order stays put between
        // cycles; QoS and size decide.
        EngineConfig config = EngineConfig.defaults().withReservations(0).withPolicy(PolicyFile.parse("""
                PriorityWeightFairShare=0
                Account=a Shares=1
                Account=b Shares=3
                User=ua Account=a
                User=ub Account=b
                QOS=high Priority=50
                """, "two accounts"));
        EngineHarness h = EngineHarness.withNodes(config, NODES, 8);
        Random random = new Random(seed);
        for (int step = 0; step < 150; step++) {
            ClusterSnapshot before = h.engine.snapshot();
            int dice = random.nextInt(10);
            List<Job> running = h.engine.snapshot().jobs().values().stream().filter(Job::isRunning).toList();
            if (dice < 6 || running.isEmpty()) {
                var spec = EngineHarness.spec().user(random.nextBoolean() ? "ua" : "ub")
                        .nodes(random.nextInt(8) == 0 ? 2 : 1).gpusPerNode(1 + random.nextInt(8))
                        .limit(Duration.ofMinutes(10 + random.nextInt(100)));
                if (random.nextInt(4) == 0) {
                    spec.qos("high");
                }
                h.submit(spec.build());
            } else {
                h.ended(running.get(random.nextInt(running.size())).id(), 0);
            }
            h.advance(Duration.ofSeconds(1 + random.nextInt(300)));
            h.one(new Event.CycleRequested(h.now));
            check(before, h.engine.snapshot());
        }
    }

    private static void check(ClusterSnapshot before, ClusterSnapshot after) {
        List<Integer> free = new ArrayList<>();
        for (NodeView n : after.nodes()) {
            free.add(n.gpusTotal() - n.gpusAllocated());
        }
        // Both judged in the cycle before this step: their order then is the order they had to keep.
        var priorities = before.judgement().priorities();
        for (Job waiting : after.jobs().values()) {
            if (waiting.state() != JobState.PENDING) {
                continue;
            }
            assertThat(fits(waiting, free)).as("job %s (%dx%d GPUs) waits although it fits now in %s", waiting.id(),
                    waiting.spec().nodes(), waiting.spec().gpusPerNode(), free).isFalse();
            // Every job started in this cycle that the waiting one could have replaced outranks it.
            for (Job started : after.jobs().values()) {
                Job was = before.jobs().get(started.id());
                if (started.state() != JobState.RUNNING || was == null || was.state() != JobState.PENDING) {
                    continue;
                }
                List<Integer> ifNot = new ArrayList<>(free);
                for (int i = 0; i < after.nodes().size(); i++) {
                    String node = after.nodes().get(i).name();
                    int index = i;
                    started.allocation().stream().filter(a -> a.node().equals(node))
                            .forEach(a -> ifNot.set(index, ifNot.get(index) + a.gpus().size()));
                }
                if (fits(waiting, ifNot) && priorities.containsKey(started.id())
                        && priorities.containsKey(waiting.id())) {
                    JobId w = waiting.id();
                    JobId s = started.id();
                    assertThat(priorities.get(s).priority()).as("job %s started in place of job %s", s, w)
                            .isGreaterThanOrEqualTo(priorities.get(w).priority());
                }
            }
        }
    }

    private static boolean fits(Job job, List<Integer> free) {
        return free.stream().filter(f -> f >= job.spec().gpusPerNode()).count() >= job.spec().nodes();
    }
}
