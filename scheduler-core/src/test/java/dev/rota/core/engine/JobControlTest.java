package dev.rota.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rota.core.job.Hold;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Holds, begin times, requeue and updates through the engine: given events, expect state and effects. */
class JobControlTest {

    @Test
    void heldAtSubmitWaitsJobHeldUserUntilReleased() {
        EngineHarness h = EngineHarness.withNodes(1, 8);
        JobId id = h.submit(EngineHarness.spec().build().withHold(Hold.USER));
        assertEquals(JobState.PENDING, h.job(id).state());
        assertEquals("JobHeldUser", h.job(id).reason());
        h.one(new Event.JobReleaseRequested(h.now, id, "alice", false));
        assertEquals(JobState.RUNNING, h.job(id).state());
    }

    @Test
    void adminHoldCannotBeReleasedByTheOwner() {
        EngineHarness h = EngineHarness.withNodes(1, 1);
        JobId blocker = h.submit(EngineHarness.spec().build());
        JobId id = h.submit(EngineHarness.spec().build());
        assertEquals(JobState.RUNNING, h.job(blocker).state());
        assertInstanceOf(Outcome.Applied.class, h.one(new Event.JobHoldRequested(h.now, id, "root", true)));
        assertEquals("JobHeldAdmin", h.job(id).reason());
        Outcome refused = h.one(new Event.JobReleaseRequested(h.now, id, "alice", false));
        assertEquals(Outcome.Rejection.PERMISSION_DENIED, ((Outcome.Rejected) refused).kind());
        h.one(new Event.JobReleaseRequested(h.now, id, "root", true));
        assertEquals("Resources", h.job(id).reason());
    }

    @Test
    void anotherUserMayNotHoldAndARunningJobCannotBeHeld() {
        EngineHarness h = EngineHarness.withNodes(1, 8);
        JobId id = h.submit(EngineHarness.spec().build());
        Outcome other = h.one(new Event.JobHoldRequested(h.now, id, "bob", false));
        assertEquals(Outcome.Rejection.PERMISSION_DENIED, ((Outcome.Rejected) other).kind());
        Outcome running = h.one(new Event.JobHoldRequested(h.now, id, "alice", false));
        assertEquals(Outcome.Rejection.INFEASIBLE, ((Outcome.Rejected) running).kind());
    }

    @Test
    void beginTimeWaitsForItsTimerThenStarts() {
        EngineHarness h = EngineHarness.withNodes(1, 8);
        var begin = h.now.plus(Duration.ofMinutes(30));
        JobId id = h.submit(EngineHarness.spec().build().withBegin(Optional.of(begin)));
        assertEquals("BeginTime", h.job(id).reason());
        var timer = h.effectsOf(Effect.ScheduleTimer.class).stream()
                .filter(t -> t.key() instanceof TimerKey.BeginTime).findFirst().orElseThrow();
        assertEquals(begin, timer.at());
        h.now = begin;
        h.one(new Event.TimerFired(h.now, timer.key()));
        assertEquals(JobState.RUNNING, h.job(id).state());
    }

    @Test
    void requeueStopsARunningJobAndQueuesItAgainWithTheSameId() {
        EngineHarness h = EngineHarness.withNodes(1, 8);
        JobId id = h.submit(EngineHarness.spec().build());
        h.one(new Event.JobRequeueRequested(h.now, id, "alice", false));
        Job stopping = h.job(id);
        assertEquals(JobState.PENDING, stopping.endingAs());
        assertTrue(h.effectsOf(Effect.KillJob.class).stream().anyMatch(k -> k.job().equals(id) && k.signal().equals("TERM")));
        h.ended(id, 143);
        // Back in the queue and, the node being free, started again as attempt 2.
        assertEquals(JobState.RUNNING, h.job(id).state());
        assertEquals(2, h.job(id).attempt());
    }

    @Test
    void ownersMayShortenTheirTimeLimitOnlyAdminsLengthenIt() {
        EngineHarness h = EngineHarness.withNodes(1, 8);
        JobId id = h.submit(EngineHarness.spec().limit(Duration.ofHours(2)).build());
        Outcome longer = h.one(new Event.JobUpdateRequested(h.now, id, "alice", false,
                Optional.of(Duration.ofHours(3)), Optional.empty()));
        assertEquals(Outcome.Rejection.PERMISSION_DENIED, ((Outcome.Rejected) longer).kind());
        h.one(new Event.JobUpdateRequested(h.now, id, "alice", false, Optional.of(Duration.ofHours(1)),
                Optional.of("renamed")));
        assertEquals(Duration.ofHours(1), h.job(id).spec().timeLimit());
        assertEquals("renamed", h.job(id).spec().name());
        // The running job gets a timer at its new limit; the old one no longer ends it.
        h.now = h.now.plus(Duration.ofHours(1));
        h.one(new Event.TimerFired(h.now, new TimerKey.TimeLimit(id, 1)));
        assertEquals(JobState.TIMEOUT, h.job(id).endingAs());

        JobId other = h.submit(EngineHarness.spec().limit(Duration.ofHours(1)).build());
        assertInstanceOf(Outcome.Applied.class, h.one(new Event.JobUpdateRequested(h.now, other, "root", true,
                Optional.of(Duration.ofHours(5)), Optional.empty())));
        h.now = h.now.plus(Duration.ofHours(1));
        // The timer of its first limit fires but the limit is now 5 h: it keeps running.
        h.one(new Event.TimerFired(h.now, new TimerKey.TimeLimit(other, 1)));
        assertEquals(null, h.job(other).endingAs());
        assertEquals(List.of(), List.of());
    }
}
