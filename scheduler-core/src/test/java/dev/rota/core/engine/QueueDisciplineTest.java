package dev.rota.core.engine;

import static dev.rota.core.engine.EngineHarness.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import dev.rota.core.policy.PolicyFile;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two queue knobs the simulator compares policies with: backfill off (a strict queue, FIFO
 * when every priority weight is zero) and shortest-time-limit-first ordering.
 */
class QueueDisciplineTest {

    private static EngineConfig fifoConfig(boolean backfill) throws Exception {
        var policy = PolicyFile.parse("""
                PriorityWeightFairShare=0
                PriorityWeightAge=0
                PriorityWeightJobSize=0
                PriorityWeightQOS=0
                UnlistedUsers=lab
                Account=lab
                """, "fifo.policy");
        return EngineConfig.defaults().withPolicy(policy).withReservations(1).withBackfill(backfill);
    }

    @Test
    void defaults_keep_backfill_and_the_priority_order() {
        assertThat(EngineConfig.defaults().backfill()).isTrue();
        assertThat(EngineConfig.defaults().queueOrder()).isEqualTo(EngineConfig.QueueOrder.PRIORITY);
    }

    /**
     * One node of 8 GPUs: a 4-GPU job runs for up to an hour, an 8-GPU job waits for it, a short
     * 1-GPU job arrives. With backfill it starts at once (it ends before the big job's reservation);
     * without, it waits behind the big job, whether it was planned alone (a submission step) or with
     * the whole queue (a full cycle).
     */
    @ParameterizedTest(name = "backfill={0}")
    @ValueSource(booleans = {true, false})
    void a_small_job_passes_a_blocked_head_only_with_backfill(boolean backfill) throws Exception {
        EngineHarness h = EngineHarness.withNodes(fifoConfig(backfill), 1, 8);
        JobId running = h.submit(spec().gpusPerNode(4).limit(Duration.ofHours(1)).build());
        h.advance(Duration.ofMinutes(1));
        JobId big = h.submit(spec().gpusPerNode(8).limit(Duration.ofHours(1)).build());
        h.advance(Duration.ofMinutes(1));
        JobId small = h.submit(spec().gpusPerNode(1).limit(Duration.ofMinutes(10)).build());

        assertThat(h.job(running).state()).isEqualTo(JobState.RUNNING);
        assertThat(h.job(big).state()).isEqualTo(JobState.PENDING);
        assertThat(h.job(small).state()).isEqualTo(backfill ? JobState.RUNNING : JobState.PENDING);

        h.advance(Duration.ofMinutes(1));
        h.one(new Event.CycleRequested(h.now));
        assertThat(h.job(small).state()).isEqualTo(backfill ? JobState.RUNNING : JobState.PENDING);
        if (!backfill) {
            assertThat(h.job(small).reason()).isEqualTo("Priority");
            assertThat(h.job(big).reason()).isEqualTo("Resources");
        }

        h.advance(Duration.ofMinutes(1));
        h.ended(running, 0);
        if (backfill) {
            assertThat(h.job(small).state()).isEqualTo(JobState.RUNNING);
            assertThat(h.job(big).state()).isEqualTo(JobState.PENDING);
            h.ended(small, 0);
            assertThat(h.job(big).state()).isEqualTo(JobState.RUNNING);
        } else {
            // The head starts first; the small job only once the head ends.
            assertThat(h.job(big).state()).isEqualTo(JobState.RUNNING);
            assertThat(h.job(small).state()).isEqualTo(JobState.PENDING);
            h.ended(big, 0);
            assertThat(h.job(small).state()).isEqualTo(JobState.RUNNING);
        }
    }

    @Test
    void a_strict_queue_holds_later_submissions_of_one_batch_behind_the_first_blocked_one() throws Exception {
        EngineHarness h = EngineHarness.withNodes(fifoConfig(false), 1, 8);
        JobId running = h.submit(spec().gpusPerNode(4).limit(Duration.ofHours(1)).build());
        h.advance(Duration.ofMinutes(1));
        StepResult r = h.step(new Event.JobSubmitted(h.now, spec().gpusPerNode(8).build()),
                new Event.JobSubmitted(h.now, spec().gpusPerNode(2).build()));
        JobId big = ((Outcome.JobAccepted) r.outcomes().get(0)).job();
        JobId two = ((Outcome.JobAccepted) r.outcomes().get(1)).job();

        assertThat(h.job(running).state()).isEqualTo(JobState.RUNNING);
        assertThat(h.job(big).state()).isEqualTo(JobState.PENDING);
        assertThat(h.job(two).state()).isEqualTo(JobState.PENDING);
        assertThat(h.job(two).reason()).isEqualTo("Priority");
    }

    @Test
    void a_strict_queue_starts_everything_that_fits_while_nothing_is_blocked() throws Exception {
        EngineHarness h = EngineHarness.withNodes(fifoConfig(false), 2, 8);
        JobId a = h.submit(spec().gpusPerNode(8).build());
        JobId b = h.submit(spec().gpusPerNode(4).build());
        JobId c = h.submit(spec().gpusPerNode(4).build());
        assertThat(h.job(a).state()).isEqualTo(JobState.RUNNING);
        assertThat(h.job(b).state()).isEqualTo(JobState.RUNNING);
        assertThat(h.job(c).state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void shortest_limit_first_starts_the_shorter_job_whatever_the_submission_order() throws Exception {
        EngineConfig config = fifoConfig(true).withReservations(0)
                .withQueueOrder(EngineConfig.QueueOrder.SHORTEST_LIMIT);
        EngineHarness h = EngineHarness.withNodes(config, 1, 1);
        JobId running = h.submit(spec().limit(Duration.ofHours(1)).build());
        h.advance(Duration.ofMinutes(1));
        JobId longer = h.submit(spec().limit(Duration.ofHours(5)).build());
        h.advance(Duration.ofMinutes(1));
        JobId shorter = h.submit(spec().limit(Duration.ofMinutes(30)).build());
        h.advance(Duration.ofMinutes(1));
        h.ended(running, 0);

        assertThat(h.job(shorter).state()).isEqualTo(JobState.RUNNING);
        assertThat(h.job(longer).state()).isEqualTo(JobState.PENDING);
        assertThat(h.job(shorter).startTime()).isEqualTo(h.now);
        assertThat(h.now).isAfter(Instant.EPOCH);
    }

    @Test
    void the_priority_order_starts_the_older_job_when_weights_are_zero() throws Exception {
        EngineHarness h = EngineHarness.withNodes(fifoConfig(true).withReservations(0), 1, 1);
        JobId running = h.submit(spec().limit(Duration.ofHours(1)).build());
        h.advance(Duration.ofMinutes(1));
        JobId longer = h.submit(spec().limit(Duration.ofHours(5)).build());
        h.advance(Duration.ofMinutes(1));
        JobId shorter = h.submit(spec().limit(Duration.ofMinutes(30)).build());
        h.advance(Duration.ofMinutes(1));
        h.ended(running, 0);

        assertThat(h.job(longer).state()).isEqualTo(JobState.RUNNING);
        assertThat(h.job(shorter).state()).isEqualTo(JobState.PENDING);
    }
}
