package dev.rota.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.job.NodeAllocation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property tests: random but seeded event sequences (submits of random gangs, exits, cancels,
 * drains, disconnects, re-registrations, timers) must never break the scheduler's invariants, and
 * the same sequence must always give the same results. A failing seed reproduces exactly.
 */
class EngineInvariantsTest {
    private static final int NODES = 4;
    private static final int GPUS = 8;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void no_gpu_is_ever_allocated_twice_and_gangs_are_whole(long seed) {
        List<Event> events = randomRun(seed, 150);
        SchedulerEngine engine = SchedulerEngine.fresh(EngineConfig.defaults());
        for (Event e : events) {
            engine.handle(List.of(e));
            checkInvariants(engine.snapshot());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void the_same_events_give_the_same_results(long seed) {
        List<Event> events = randomRun(seed, 150);
        assertThat(replay(events)).isEqualTo(replay(events));
    }

    /** A policy where QoS levels preempt each other, so random runs exercise preemption too. */
    static EngineConfig preempting() {
        try {
            return EngineConfig.defaults().withPolicy(dev.rota.core.policy.PolicyFile.parse("""
                    QOS=urgent Priority=100 Preempt=normal,scavenger GraceTime=10 MinRunTime=0
                    QOS=scavenger PreemptMode=CANCEL GraceTime=0 MinRunTime=0
                    QOS=normal GraceTime=5 MinRunTime=1
                    UnlistedUsers=default
                    Account=default
                    """, "preempting"));
        } catch (dev.rota.core.policy.PolicyFile.InvalidPolicyException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void with_preemption_no_gpu_is_allocated_twice_and_runs_replay_identically(long seed) {
        List<Event> events = randomRun(seed, 150, preempting());
        SchedulerEngine engine = SchedulerEngine.fresh(preempting());
        for (Event e : events) {
            engine.handle(List.of(e));
            checkInvariants(engine.snapshot());
        }
        assertThat(replay(events, preempting())).isEqualTo(replay(events, preempting()));
    }

    @org.junit.jupiter.api.Test
    void the_random_runs_with_preemption_do_preempt() {
        long preempted = seeds().limit(50).mapToObj(seed -> replay(randomRun(seed, 150, preempting()), preempting()))
                .flatMap(List::stream).flatMap(r -> r.changes().stream())
                .filter(c -> c instanceof StateChange.JobUpserted u && u.job().reason().startsWith("Preempted by job"))
                .count();
        assertThat(preempted).as("preemptions in 50 random runs").isGreaterThan(10);
    }

    private static List<StepResult> replay(List<Event> events) {
        return replay(events, EngineConfig.defaults());
    }

    private static List<StepResult> replay(List<Event> events, EngineConfig config) {
        SchedulerEngine engine = SchedulerEngine.fresh(config);
        List<StepResult> out = new ArrayList<>();
        // Batches of varying size, as the daemon's group commit produces them.
        for (int i = 0; i < events.size(); i += 3) {
            out.add(engine.handle(events.subList(i, Math.min(events.size(), i + 3))));
        }
        return out;
    }

    private static void checkInvariants(ClusterSnapshot s) {
        Map<String, Set<Integer>> used = new HashMap<>();
        Map<String, Integer> gpusByNode = new HashMap<>();
        for (NodeView n : s.nodes()) {
            gpusByNode.put(n.name(), n.gpusTotal());
        }
        Map<String, Integer> allocatedByNode = new HashMap<>();
        for (Job j : s.jobs().values()) {
            if (!j.isRunning()) {
                if (j.state() == dev.rota.core.job.JobState.PENDING) {
                    assertThat(j.allocation()).as("pending job %s holds nothing", j.id()).isEmpty();
                }
                continue;
            }
            assertThat(j.allocation()).as("gang of job %s is whole", j.id()).hasSize(j.spec().nodes());
            assertThat(j.allocation().stream().map(NodeAllocation::node).distinct().count())
                    .as("job %s uses distinct nodes", j.id()).isEqualTo(j.spec().nodes());
            for (NodeAllocation a : j.allocation()) {
                assertThat(a.gpus()).hasSize(j.spec().gpusPerNode());
                for (int g : a.gpus()) {
                    assertThat(g).isBetween(0, gpusByNode.get(a.node()) - 1);
                    assertThat(used.computeIfAbsent(a.node(), k -> new HashSet<>()).add(g))
                            .as("gpu %d of %s allocated twice", g, a.node()).isTrue();
                }
                allocatedByNode.merge(a.node(), a.gpus().size(), Integer::sum);
            }
        }
        for (NodeView n : s.nodes()) {
            for (int g : n.lingeringGpus()) {
                assertThat(used.computeIfAbsent(n.name(), k -> new HashSet<>()).add(g))
                        .as("lingering gpu %d of %s also allocated to a job", g, n.name()).isTrue();
            }
            assertThat(n.gpusAllocated()).as("%s allocation count", n.name())
                    .isEqualTo(allocatedByNode.getOrDefault(n.name(), 0) + n.lingeringGpus().size());
        }
    }

    /**
     * A random run. Exits and timers refer to jobs by the ids the engine will assign (1, 2, ...),
     * which works because the generator replays its own shadow engine to learn what is running.
     */
    private static List<Event> randomRun(long seed, int length) {
        return randomRun(seed, length, EngineConfig.defaults());
    }

    /** With a preempting config, submissions pick a random QoS among the policy's. */
    private static List<Event> randomRun(long seed, int length, EngineConfig config) {
        Random random = new Random(seed);
        SchedulerEngine shadow = SchedulerEngine.fresh(config);
        List<String> qos = List.copyOf(config.policy().qos().keySet());
        List<Event> events = new ArrayList<>();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 1; i <= NODES; i++) {
            Event e = new Event.NodeRegistered(now, "node-" + i, "h" + i + ":1", EngineHarness.gpus("node-" + i, GPUS),
                    List.of(), List.of());
            events.add(e);
            shadow.handle(List.of(e));
        }
        for (int i = 0; i < length; i++) {
            now = now.plusSeconds(1 + random.nextInt(30));
            ClusterSnapshot s = shadow.snapshot();
            List<Job> running = s.jobs().values().stream().filter(Job::isRunning).toList();
            List<Job> live = s.jobs().values().stream().filter(j -> !j.state().isTerminal()).toList();
            String node = "node-" + (1 + random.nextInt(NODES));
            int dice = random.nextInt(100);
            Event e;
            if (dice < 40) {
                JobSpec spec = spec(1 + random.nextInt(3), random.nextInt(GPUS + 1));
                if (qos.size() > 1) {
                    spec = spec.resolved("", "", qos.get(random.nextInt(qos.size())));
                }
                e = new Event.JobSubmitted(now, spec);
            } else if (dice < 65 && !running.isEmpty()) {
                Job j = running.get(random.nextInt(running.size()));
                e = new Event.AllocationEnded(now, j.batchNode().orElseThrow(), j.id(), j.attempt(),
                        random.nextInt(3), "");
            } else if (dice < 72 && !live.isEmpty()) {
                e = new Event.JobCancelRequested(now, live.get(random.nextInt(live.size())).id(), "alice");
            } else if (dice < 77 && !running.isEmpty()) {
                Job j = running.get(random.nextInt(running.size()));
                e = new Event.TimerFired(now, new dev.rota.core.engine.TimerKey.TimeLimit(j.id(), j.attempt()));
            } else if (dice < 83) {
                e = new Event.NodeDrainRequested(now, node, "test", "admin");
            } else if (dice < 90) {
                e = new Event.NodeResumeRequested(now, node, "admin");
            } else if (dice < 92) {
                e = new Event.NodeDisconnected(now, node);
            } else if (dice < 94) {
                e = new Event.TimerFired(now, new dev.rota.core.engine.TimerKey.NodeLostCheck(node,
                        random.nextInt(4)));
            } else if (dice < 97) {
                // A heartbeat reporting a random subset of what really runs there.
                List<Event.RunningAllocation> reported = new ArrayList<>();
                for (Job j : running) {
                    if (j.holds(node) && random.nextInt(4) > 0) {
                        reported.add(new Event.RunningAllocation(j.id(), j.attempt()));
                    }
                }
                e = new Event.NodeHeartbeat(now, node, reported);
            } else {
                // Re-registration reporting a random subset of what it runs, plus a stray.
                List<Event.RunningAllocation> reported = new ArrayList<>();
                for (Job j : running) {
                    if (j.holds(node) && random.nextBoolean()) {
                        reported.add(new Event.RunningAllocation(j.id(), j.attempt()));
                    }
                }
                reported.add(new Event.RunningAllocation(JobId.of(10_000 + i), 1));
                e = new Event.NodeRegistered(now, node, "h:1", EngineHarness.gpus(node, GPUS), reported, List.of());
            }
            events.add(e);
            shadow.handle(List.of(e));
        }
        return events;
    }

    private static JobSpec spec(int nodes, int gpus) {
        return new JobSpec("j", "alice", "", "", nodes, 1, gpus, Duration.ofMinutes(5), "true", List.of(), "/tmp",
                "", "", new TreeMap<>(), true);
    }
}
