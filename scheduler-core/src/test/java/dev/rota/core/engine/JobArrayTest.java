package dev.rota.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rota.core.job.ArrayIndexes;
import dev.rota.core.job.Dependency;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobArray;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Job arrays in the engine: lazy split, throttle, cancel of tasks and ranges, ids and paths. */
class JobArrayTest {

    private static JobId submitArray(EngineHarness h, String indexes, int throttle) {
        return h.submit(EngineHarness.spec().build().withArray(JobArray.submitted(ArrayIndexes.parse(indexes), throttle)));
    }

    private static List<Job> tasks(EngineHarness h, JobId array, JobState state) {
        return h.engine.snapshot().jobs().values().stream()
                .filter(j -> j.spec().array().map(a -> a.arrayJobId() == array.value()).orElse(false))
                .filter(j -> j.state() == state).toList();
    }

    private static Job remainder(EngineHarness h, JobId array) {
        return h.engine.snapshot().jobs().values().stream()
                .filter(j -> j.spec().array().map(a -> a.arrayJobId() == array.value() && a.isRemainder()).orElse(false))
                .findFirst().orElseThrow();
    }

    @Test
    void theThrottleBoundsRunningTasksAndTheRestWaitJobArrayTaskLimit() {
        EngineHarness h = EngineHarness.withNodes(4, 1);
        JobId array = submitArray(h, "1-10", 2);
        List<Job> running = tasks(h, array, JobState.RUNNING);
        assertEquals(2, running.size());
        assertEquals(List.of("1_1", "1_2"), running.stream().map(Job::displayId).toList());
        Job rest = remainder(h, array);
        assertEquals("1_[3-10%2]", rest.displayId());
        assertEquals("JobArrayTaskLimit", rest.reason());
        // Each ended task lets exactly one more start, lowest index first, until all ten ran.
        for (int done = 0; done < 10; done++) {
            Job first = tasks(h, array, JobState.RUNNING).get(0);
            h.ended(first.id(), 0);
            assertTrue(tasks(h, array, JobState.RUNNING).size() <= 2);
        }
        assertEquals(10, tasks(h, array, JobState.COMPLETED).size());
        // Task i has id i: each task took the record's id as it started.
        for (Job t : tasks(h, array, JobState.COMPLETED)) {
            assertEquals(t.id().value(), (long) t.spec().array().get().taskId().getAsInt());
        }
    }

    @Test
    void tasksGetTheirOwnIdsAndPathsWithArrayPatterns() {
        EngineHarness h = EngineHarness.withNodes(2, 1);
        JobId array = h.submit(EngineHarness.spec().build().withArray(JobArray.submitted(ArrayIndexes.parse("0-4:2"), 0)));
        Job t0 = tasks(h, array, JobState.RUNNING).get(0);
        assertEquals(0, t0.spec().array().get().taskId().getAsInt());
        assertEquals(3, t0.spec().array().get().count());
        assertEquals(2, t0.spec().array().get().step());
        assertEquals("/home/alice/rota-1_0.out", t0.outputPath());
        assertEquals(1L, t0.id().value());
        Job t2 = tasks(h, array, JobState.RUNNING).get(1);
        assertEquals(2L, t2.id().value());
        assertEquals("/home/alice/rota-1_2.out", t2.outputPath());
    }

    @Test
    void cancelOneTaskARangeOrTheWholeArray() {
        EngineHarness h = EngineHarness.withNodes(1, 1);
        JobId array = submitArray(h, "1-8", 0);
        // Task 1 runs; cancel 3-5 while they are still in the array's record.
        h.one(new Event.JobCancelRequested(h.now, array, "alice", Optional.of(ArrayIndexes.parse("3-5"))));
        assertEquals("1_[2,6-8]", remainder(h, array).displayId());
        h.one(new Event.JobCancelRequested(h.now, array, "alice", Optional.of(ArrayIndexes.parse("1"))));
        Job t1 = tasks(h, array, JobState.RUNNING).get(0);
        assertEquals(JobState.CANCELLED, t1.endingAs());
        Job rest = remainder(h, array);
        h.one(new Event.JobCancelRequested(h.now, array, "alice"));
        assertEquals(JobState.CANCELLED, h.job(rest.id()).state());
    }

    @Test
    void afterokOnAnArrayWaitsForEveryTask() {
        EngineHarness h = EngineHarness.withNodes(3, 1);
        JobId array = submitArray(h, "1-2", 0);
        JobId after = h.submit(EngineHarness.spec().build().withDependency(Dependency.parse("afterok:" + array)));
        assertEquals("Dependency", h.job(after).reason());
        for (Job t : tasks(h, array, JobState.RUNNING)) {
            h.ended(t.id(), 0);
        }
        assertEquals(JobState.RUNNING, h.job(after).state());
    }

    @Test
    void aTenThousandTaskArrayIsOnePendingJob() {
        EngineHarness h = EngineHarness.withNodes(1, 1);
        JobId blocker = h.submit(EngineHarness.spec().build());
        JobId array = submitArray(h, "0-9999", 0);
        assertEquals(JobState.RUNNING, h.job(blocker).state());
        long pending = h.engine.snapshot().jobs().values().stream().filter(j -> j.state() == JobState.PENDING).count();
        assertEquals(1, pending);
        assertEquals(10_000, remainder(h, array).spec().array().get().pending().count());
    }
}
