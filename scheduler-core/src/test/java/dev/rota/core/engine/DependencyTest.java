package dev.rota.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rota.core.job.Dependency;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Dependencies through the engine: a table of how the dependee ends against what the dependent does. */
class DependencyTest {

    /** How the first job ends. */
    enum End { COMPLETED, FAILED, CANCELLED_PENDING, STILL_RUNNING }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("afterok", End.COMPLETED, "start"),
                Arguments.of("afterok", End.FAILED, "DependencyNeverSatisfied"),
                Arguments.of("afterok", End.STILL_RUNNING, "Dependency"),
                Arguments.of("afternotok", End.FAILED, "start"),
                Arguments.of("afternotok", End.COMPLETED, "DependencyNeverSatisfied"),
                Arguments.of("afterany", End.FAILED, "start"),
                Arguments.of("afterany", End.COMPLETED, "start"),
                Arguments.of("afterany", End.STILL_RUNNING, "Dependency"),
                Arguments.of("after", End.STILL_RUNNING, "start"),
                Arguments.of("after", End.CANCELLED_PENDING, "start"),
                Arguments.of("afterok", End.CANCELLED_PENDING, "DependencyNeverSatisfied"));
    }

    @ParameterizedTest(name = "{0} on a job that {1}: {2}")
    @MethodSource("table")
    void dependencyAgainstHowTheFirstJobEnds(String kind, End end, String expected) {
        // Two nodes of one GPU; the dependee needs 2 nodes while "still running" so the dependent has room.
        EngineHarness h = EngineHarness.withNodes(2, 1);
        JobId first;
        if (end == End.CANCELLED_PENDING) {
            JobId blocker = h.submit(EngineHarness.spec().nodes(2).build());
            first = h.submit(EngineHarness.spec().build());
            h.tryCancel(first, "alice");
            h.tryCancel(blocker, "alice");
            h.ended(blocker, 143);
        } else {
            first = h.submit(EngineHarness.spec().build());
        }
        JobId second = h.submit(EngineHarness.spec().build()
                .withDependency(Dependency.parse(kind + ":" + first)));
        switch (end) {
            case COMPLETED -> h.ended(first, 0);
            case FAILED -> h.ended(first, 3);
            default -> {
            }
        }
        if (expected.equals("start")) {
            assertEquals(JobState.RUNNING, h.job(second).state(), h.job(second).reason());
        } else {
            assertEquals(JobState.PENDING, h.job(second).state());
            assertEquals(expected, h.job(second).reason());
        }
    }

    @Test
    void anyOfStartsWhenOneClauseHoldsAllOfWaitsForEvery() {
        EngineHarness h = EngineHarness.withNodes(4, 1);
        JobId a = h.submit(EngineHarness.spec().build());
        JobId b = h.submit(EngineHarness.spec().build());
        JobId any = h.submit(EngineHarness.spec().build().withDependency(Dependency.parse("afterok:" + a + "?afterok:" + b)));
        JobId all = h.submit(EngineHarness.spec().build().withDependency(Dependency.parse("afterok:" + a + ",afterok:" + b)));
        h.ended(a, 0);
        assertEquals(JobState.RUNNING, h.job(any).state());
        assertEquals("Dependency", h.job(all).reason());
        h.ended(b, 1);
        assertEquals("DependencyNeverSatisfied", h.job(all).reason());
    }

    @Test
    void neverSatisfiedIsCancelledWhenConfigured() {
        EngineHarness h = EngineHarness.withNodes(EngineConfig.defaults().withCancelUnsatisfiable(true), 2, 1);
        JobId a = h.submit(EngineHarness.spec().build());
        JobId b = h.submit(EngineHarness.spec().build().withDependency(Dependency.parse("afterok:" + a)));
        h.ended(a, 1);
        assertEquals(JobState.CANCELLED, h.job(b).state());
        assertEquals("DependencyNeverSatisfied", h.job(b).reason());
    }

    @Test
    void aDependencyOnAJobThatDoesNotExistIsRefused() {
        EngineHarness h = EngineHarness.withNodes(1, 1);
        Outcome o = h.one(new Event.JobSubmitted(h.now, EngineHarness.spec().build()
                .withDependency(Dependency.parse("afterok:99"))));
        assertInstanceOf(Outcome.Rejected.class, o);
    }

    /**
     * Property (seeded): a singleton chain of N same-name jobs on a cluster with room for all of them
     * never runs two at once, and runs them in submission order, whatever other names are mixed in.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void singletonChainsRunOneAtATimeInOrder(long seed) {
        Random random = new Random(seed);
        EngineHarness h = EngineHarness.withNodes(8, 1);
        List<JobId> chain = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            chain.add(h.submit(EngineHarness.spec().name("chain").build()
                    .withDependency(Dependency.parse("singleton"))));
            if (random.nextBoolean()) {
                h.submit(EngineHarness.spec().name("other" + i).build().withDependency(Dependency.parse("singleton")));
            }
        }
        List<JobId> order = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            List<JobId> running = chain.stream().filter(id -> h.job(id).state() == JobState.RUNNING).toList();
            assertEquals(1, running.size(), "exactly one of the chain runs");
            order.add(running.get(0));
            h.ended(running.get(0), random.nextBoolean() ? 0 : 1);
        }
        assertEquals(chain, order);
    }
}
