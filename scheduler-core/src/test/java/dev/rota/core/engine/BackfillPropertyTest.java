package dev.rota.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.job.JobState;
import dev.rota.core.policy.PolicyFile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: backfill never delays the reserved head of the queue. With a stable queue order
 * (priority by age only) and jobs that end at or before their limits, the highest-priority blocked
 * job's promised start never moves later while it waits, and it starts no later than promised,
 * whatever mix of gang sizes, lengths and backfilled jobs a seeded run throws at it. (Reservations
 * further down may move later when a higher one is re-planned onto other nodes at the same time:
 * that is priority, not backfill, at work.)
 */
class BackfillPropertyTest {
    private static final int NODES = 6;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 60);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void a_reserved_start_never_moves_later_and_is_kept(long seed) throws Exception {
        EngineConfig config = EngineConfig.defaults().withPolicy(PolicyFile.parse("""
                PriorityWeightFairShare=0
                PriorityWeightJobSize=0
                PriorityWeightQOS=0
                Account=default
                UnlistedUsers=default
                """, "age-only"));
        EngineHarness h = EngineHarness.withNodes(config, NODES, 8);
        Random random = new Random(seed);
        Map<JobId, Duration> runs = new HashMap<>();
        Map<JobId, Instant> endsAt = new HashMap<>();
        Map<JobId, Instant> promised = new HashMap<>();
        for (int step = 0; step < 120; step++) {
            if (random.nextInt(3) > 0) {
                Duration limit = Duration.ofMinutes(5 + random.nextInt(120));
                // a job ends somewhere between a tenth of its limit and its limit
                Duration run = Duration.ofSeconds(Math.max(1, (long) (limit.toSeconds() * (0.1 + 0.9 * random.nextDouble()))));
                int nodes = random.nextInt(10) == 0 ? 1 + random.nextInt(NODES) : 1;
                JobSpec spec = EngineHarness.spec().nodes(nodes).gpusPerNode(1 + random.nextInt(8)).limit(limit).build();
                JobId id = h.submit(spec);
                runs.put(id, run);
            }
            record(h, runs, endsAt, promised);
            // advance to the next end (or a little), ending what is due
            Instant next = endsAt.values().stream().min(Instant::compareTo).orElse(h.now.plusSeconds(60));
            Instant wander = h.now.plusSeconds(1 + random.nextInt(600));
            Instant target = next.isBefore(wander) ? next : wander;
            h.advance(Duration.between(h.now, target.isAfter(h.now) ? target : h.now));
            for (var e : List.copyOf(endsAt.entrySet())) {
                if (!e.getValue().isAfter(h.now)) {
                    endsAt.remove(e.getKey());
                    h.ended(e.getKey(), 0);
                }
            }
            h.one(new Event.CycleRequested(h.now));
            record(h, runs, endsAt, promised);
        }
    }

    private static void record(EngineHarness h, Map<JobId, Duration> runs, Map<JobId, Instant> endsAt,
            Map<JobId, Instant> promised) {
        ClusterSnapshot s = h.engine.snapshot();
        for (Job j : s.jobs().values()) {
            if (j.state() == JobState.RUNNING && !endsAt.containsKey(j.id())) {
                endsAt.put(j.id(), j.startTime().plus(runs.get(j.id())));
                Instant p = promised.get(j.id());
                if (p != null) {
                    assertThat(j.startTime()).as("job %s started no later than promised", j.id()).isBeforeOrEqualTo(p);
                }
            }
            if (j.state() == JobState.PENDING && j.reason().equals("Resources")) {
                s.estimatedStart(j.id()).ifPresent(e -> {
                    Instant before = promised.get(j.id());
                    if (before != null) {
                        assertThat(e).as("job %s's promised start never moves later", j.id()).isBeforeOrEqualTo(before);
                    }
                    promised.put(j.id(), e);
                });
            }
        }
    }

}
