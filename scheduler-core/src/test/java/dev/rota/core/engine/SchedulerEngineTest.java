package dev.rota.core.engine;

import static dev.rota.core.engine.EngineHarness.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.engine.Outcome.Rejected;
import dev.rota.core.engine.Outcome.Rejection;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import dev.rota.core.job.NodeAllocation;
import dev.rota.core.node.NodeState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SchedulerEngineTest {

    @Nested
    class Submitting {
        @Test
        void a_two_node_job_starts_on_both_nodes_with_its_gpus() {
            EngineHarness h = EngineHarness.withNodes(2, 8);
            JobId id = h.submit(spec().nodes(2).gpusPerNode(4).build());

            Job job = h.job(id);
            assertThat(job.state()).isEqualTo(JobState.RUNNING);
            assertThat(job.allocation()).containsExactly(
                    new NodeAllocation("node-1", List.of(0, 1, 2, 3)),
                    new NodeAllocation("node-2", List.of(0, 1, 2, 3)));
            Effect.LaunchJob launch = h.effectsOf(Effect.LaunchJob.class).get(0);
            assertThat(launch.nodelist()).isEqualTo("node-[1-2]");
            assertThat(launch.nodes()).extracting(Effect.AllocatedNode::address)
                    .containsExactly("10.0.0.1:7000", "10.0.0.2:7000");
            assertThat(h.effectsOf(Effect.ScheduleTimer.class)).containsExactly(new Effect.ScheduleTimer(
                    EngineHarness.T0.plus(Duration.ofMinutes(10)), new TimerKey.TimeLimit(id, 1)));
            assertThat(h.node("node-1").state()).isEqualTo(NodeState.MIXED);
        }

        @Test
        void ids_are_sequential_and_persisted_with_the_counter() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId a = h.submit(spec().build());
            JobId b = h.submit(spec().build());
            assertThat(b.value()).isEqualTo(a.value() + 1);
            assertThat(h.changes).contains(new StateChange.NextJobIdAdvanced(b.value() + 1));
        }

        @Test
        void a_job_wider_than_any_node_is_rejected_at_submit() {
            EngineHarness h = EngineHarness.withNodes(2, 8);
            Outcome o = h.one(new Event.JobSubmitted(h.now, spec().gpusPerNode(16).build()));
            assertThat(o).isInstanceOfSatisfying(Rejected.class, r -> {
                assertThat(r.kind()).isEqualTo(Rejection.INFEASIBLE);
                assertThat(r.message()).contains("16 GPUs per node").contains("largest node").contains("has 8");
            });
            assertThat(h.engine.snapshot().jobs()).isEmpty();
        }

        @Test
        void a_job_needing_more_nodes_than_exist_is_rejected() {
            EngineHarness h = EngineHarness.withNodes(2, 8);
            Outcome o = h.one(new Event.JobSubmitted(h.now, spec().nodes(3).build()));
            assertThat(o).isInstanceOfSatisfying(Rejected.class,
                    r -> assertThat(r.message()).contains("3 nodes").contains("only 2"));
        }

        @Test
        void an_unknown_partition_is_rejected_naming_the_known_ones() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            Outcome o = h.one(new Event.JobSubmitted(h.now, spec().partition("gpu-big").build()));
            assertThat(o).isInstanceOfSatisfying(Rejected.class,
                    r -> assertThat(r.message()).contains("'gpu-big'").contains("main"));
        }

        @Test
        void defaults_fill_partition_and_account() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            Job job = h.job(h.submit(spec().build()));
            assertThat(job.spec().partition()).isEqualTo("main");
            assertThat(job.spec().account()).isEqualTo("default");
            assertThat(job.outputPath()).isEqualTo("/home/alice/rota-" + job.id() + ".out");
        }
    }

    @Nested
    class Queueing {
        @Test
        void jobs_wait_in_fifo_order_with_slurm_reasons() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId running = h.submit(spec().gpusPerNode(8).build());
            JobId first = h.submit(spec().gpusPerNode(8).build());
            JobId second = h.submit(spec().gpusPerNode(1).build());

            assertThat(h.job(running).state()).isEqualTo(JobState.RUNNING);
            assertThat(h.job(first).reason()).isEqualTo("Resources");
            // No backfill yet: a small job behind a blocked one waits its turn.
            assertThat(h.job(second).state()).isEqualTo(JobState.PENDING);
            assertThat(h.job(second).reason()).isEqualTo("Priority");

            h.ended(running, 0);
            assertThat(h.job(first).state()).isEqualTo(JobState.RUNNING);
        }

        @Test
        void a_submission_behind_a_long_blocked_queue_touches_only_itself() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            h.submit(spec().gpusPerNode(8).build());
            for (int i = 0; i < 500; i++) {
                h.submit(spec().gpusPerNode(8).build());
            }
            StepResult r = h.step(new Event.JobSubmitted(h.now, spec().gpusPerNode(1).build()));
            // The counter, the new job, and the new job again with its reason: nothing about the 500 others.
            assertThat(r.changes()).hasSize(3);
            assertThat(r.changes().get(2)).isInstanceOfSatisfying(StateChange.JobUpserted.class,
                    u -> assertThat(u.job().reason()).isEqualTo("Priority"));
        }

        @Test
        void a_drained_node_takes_no_new_jobs_but_keeps_its_running_ones() {
            EngineHarness h = EngineHarness.withNodes(2, 8);
            JobId before = h.submit(spec().gpusPerNode(8).build());
            h.one(new Event.NodeDrainRequested(h.now, "node-2", "maintenance", "admin"));
            JobId after = h.submit(spec().gpusPerNode(8).build());

            assertThat(h.job(before).allocation().get(0).node()).isEqualTo("node-1");
            assertThat(h.job(after).state()).isEqualTo(JobState.PENDING);
            assertThat(h.job(after).reason()).as("waits for node-1, the only one it may use").isEqualTo("Resources");
            assertThat(h.node("node-2").state()).isEqualTo(NodeState.DRAINED);

            h.one(new Event.NodeResumeRequested(h.now, "node-2", "admin"));
            assertThat(h.job(after).allocation()).extracting(NodeAllocation::node).containsExactly("node-2");
        }

        @Test
        void a_job_whose_only_nodes_are_drained_says_so() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            h.one(new Event.NodeDrainRequested(h.now, "node-1", "maintenance", "admin"));
            JobId id = h.submit(spec().build());
            assertThat(h.job(id).reason()).isEqualTo("ReqNodeNotAvail");
        }

        @Test
        void draining_a_busy_node_lets_its_job_finish() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId id = h.submit(spec().gpusPerNode(2).build());
            h.one(new Event.NodeDrainRequested(h.now, "node-1", "bad fan", "admin"));
            assertThat(h.node("node-1").state()).isEqualTo(NodeState.DRAINING);
            assertThat(h.job(id).state()).isEqualTo(JobState.RUNNING);
            h.ended(id, 0);
            assertThat(h.node("node-1").state()).isEqualTo(NodeState.DRAINED);
            assertThat(h.node("node-1").record().drain().orElseThrow().reason()).isEqualTo("bad fan");
        }

        @Test
        void draining_an_unknown_node_is_not_found() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            assertThat(h.one(new Event.NodeDrainRequested(h.now, "node-9", "x", "admin")))
                    .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.kind()).isEqualTo(Rejection.NOT_FOUND));
        }

        @Test
        void a_disconnected_node_gets_no_work() {
            EngineHarness h = EngineHarness.withNodes(2, 8);
            h.one(new Event.NodeDisconnected(h.now, "node-1"));
            JobId id = h.submit(spec().gpusPerNode(1).build());
            assertThat(h.job(id).allocation()).extracting(NodeAllocation::node).containsExactly("node-2");
            assertThat(h.node("node-1").state()).isEqualTo(NodeState.NOT_RESPONDING);
        }
    }

    @Nested
    class Ending {
        @Test
        void exit_zero_completes_and_frees_the_gpus() {
            EngineHarness h = EngineHarness.withNodes(2, 8);
            JobId id = h.submit(spec().nodes(2).gpusPerNode(8).build());
            h.advance(Duration.ofSeconds(30)).ended(id, 0);

            Job job = h.job(id);
            assertThat(job.state()).isEqualTo(JobState.COMPLETED);
            assertThat(job.exitCode()).hasValue(0);
            assertThat(job.endTime()).isEqualTo(EngineHarness.T0.plusSeconds(30));
            assertThat(h.node("node-1").gpusAllocated()).isZero();
            // Every node is told to clean up, which also acknowledges the report.
            assertThat(h.effectsOf(Effect.KillJob.class)).containsExactly(
                    new Effect.KillJob(id, 1, List.of("node-1", "node-2"), "KILL", Duration.ZERO));
        }

        @Test
        void a_non_zero_exit_fails_with_its_code() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId id = h.submit(spec().build());
            h.ended(id, 3);
            assertThat(h.job(id).state()).isEqualTo(JobState.FAILED);
            assertThat(h.job(id).exitCode()).hasValue(3);
            assertThat(h.job(id).reason()).isEqualTo("NonZeroExitCode");
        }

        @Test
        void a_launch_error_fails_the_job_with_the_error() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId id = h.submit(spec().build());
            h.one(new Event.AllocationEnded(h.now, "node-1", id, 1, 0, "working directory /nope does not exist"));
            assertThat(h.job(id).state()).isEqualTo(JobState.FAILED);
            assertThat(h.job(id).reason()).contains("/nope");
        }

        @Test
        void a_report_from_another_attempt_or_node_is_ignored() {
            EngineHarness h = EngineHarness.withNodes(2, 8);
            JobId id = h.submit(spec().build());
            h.one(new Event.AllocationEnded(h.now, "node-1", id, 7, 0, ""));
            h.one(new Event.AllocationEnded(h.now, "node-2", id, 1, 0, ""));
            assertThat(h.job(id).state()).isEqualTo(JobState.RUNNING);
        }

        @Test
        void the_time_limit_signals_then_the_exit_records_timeout() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId id = h.submit(spec().limit(Duration.ofMinutes(1)).build());
            h.advance(Duration.ofMinutes(1)).one(new Event.TimerFired(h.now, new TimerKey.TimeLimit(id, 1)));

            assertThat(h.job(id).state()).isEqualTo(JobState.RUNNING);
            assertThat(h.effectsOf(Effect.KillJob.class)).containsExactly(
                    new Effect.KillJob(id, 1, List.of("node-1"), "TERM", Duration.ofSeconds(10)));
            h.ended(id, 143);
            assertThat(h.job(id).state()).isEqualTo(JobState.TIMEOUT);
            assertThat(h.job(id).exitCode()).hasValue(143);
        }

        @Test
        void a_stale_timer_does_nothing() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId id = h.submit(spec().build());
            h.ended(id, 0);
            h.one(new Event.TimerFired(h.now, new TimerKey.TimeLimit(id, 1)));
            assertThat(h.job(id).state()).isEqualTo(JobState.COMPLETED);
        }
    }

    @Nested
    class Cancelling {
        @Test
        void a_pending_job_is_cancelled_at_once() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            h.submit(spec().gpusPerNode(8).build());
            JobId waiting = h.submit(spec().gpusPerNode(8).build());
            h.tryCancel(waiting, "alice");
            assertThat(h.job(waiting).state()).isEqualTo(JobState.CANCELLED);
            assertThat(h.job(waiting).reason()).isEqualTo("Cancelled by alice");
        }

        @Test
        void a_running_job_is_killed_and_ends_cancelled_when_its_processes_are_gone() {
            EngineHarness h = EngineHarness.withNodes(2, 8);
            JobId id = h.submit(spec().nodes(2).build());
            h.tryCancel(id, "alice");
            assertThat(h.job(id).state()).isEqualTo(JobState.RUNNING);
            assertThat(h.effectsOf(Effect.KillJob.class)).containsExactly(
                    new Effect.KillJob(id, 1, List.of("node-1", "node-2"), "TERM", Duration.ofSeconds(10)));

            h.tryCancel(id, "alice");
            assertThat(h.effectsOf(Effect.KillJob.class)).as("cancel is idempotent").hasSize(1);

            h.ended(id, 143);
            assertThat(h.job(id).state()).isEqualTo(JobState.CANCELLED);
        }

        @Test
        void only_the_owner_or_root_may_cancel() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId id = h.submit(spec().user("alice").build());
            assertThat(h.tryCancel(id, "bob")).isInstanceOfSatisfying(Rejected.class,
                    r -> assertThat(r.kind()).isEqualTo(Rejection.PERMISSION_DENIED));
            assertThat(h.tryCancel(id, "root")).isInstanceOf(Outcome.Applied.class);
        }

        @Test
        void an_unknown_job_is_not_found_and_a_finished_one_is_a_no_op() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            assertThat(h.tryCancel(JobId.of(99), "alice")).isInstanceOfSatisfying(Rejected.class,
                    r -> assertThat(r.message()).isEqualTo("job 99 does not exist"));
            JobId id = h.submit(spec().build());
            h.ended(id, 0);
            assertThat(h.tryCancel(id, "alice")).isInstanceOf(Outcome.Applied.class);
            assertThat(h.job(id).state()).isEqualTo(JobState.COMPLETED);
        }
    }

    @Nested
    class NodeFailure {
        private EngineHarness h;
        private JobId gang;

        /** Three 8-GPU nodes; a 2-node job holding all GPUs of node-1 and node-2. */
        private void runningGang(EngineHarness.SpecBuilder spec) {
            h = EngineHarness.withNodes(3, 8);
            gang = h.submit(spec.nodes(2).gpusPerNode(8).build());
            assertThat(h.job(gang).allocation()).extracting(NodeAllocation::node).containsExactly("node-1", "node-2");
        }

        private void loseNode2() {
            h.one(new Event.NodeDisconnected(h.now, "node-2"));
            h.advance(Duration.ofSeconds(10)).one(new Event.TimerFired(h.now, new TimerKey.NodeLostCheck("node-2", 1)));
        }

        @Test
        void a_node_away_within_the_timeout_is_not_responding_and_keeps_its_jobs() {
            runningGang(spec());
            h.one(new Event.NodeDisconnected(h.now, "node-2"));
            assertThat(h.node("node-2").state()).isEqualTo(NodeState.NOT_RESPONDING);
            assertThat(h.effectsOf(Effect.ScheduleTimer.class)).contains(new Effect.ScheduleTimer(
                    h.now.plusSeconds(10), new TimerKey.NodeLostCheck("node-2", 1)));

            h.one(new Event.NodeRegistered(h.now, "node-2", "10.0.0.2:7000", EngineHarness.gpus("node-2", 8),
                    List.of(new Event.RunningAllocation(gang, 1)), List.of()));
            h.advance(Duration.ofSeconds(10)).one(new Event.TimerFired(h.now, new TimerKey.NodeLostCheck("node-2", 1)));
            assertThat(h.job(gang).state()).as("the timer of an old absence is stale").isEqualTo(JobState.RUNNING);
            assertThat(h.node("node-2").state()).isEqualTo(NodeState.ALLOCATED);
        }

        @Test
        void a_lost_node_requeues_the_whole_gang_with_the_same_id() {
            runningGang(spec());
            loseNode2();

            Job job = h.job(gang);
            assertThat(job.state()).isEqualTo(JobState.PENDING);
            assertThat(job.reason()).isIn("NodeFail", "Resources");
            assertThat(h.node("node-2").state()).isEqualTo(NodeState.DOWN);
            assertThat(h.effectsOf(Effect.KillJob.class)).as("no half-gang keeps running").containsExactly(
                    new Effect.KillJob(gang, 1, List.of("node-1"), "TERM", Duration.ofSeconds(10)));
            // node-1's GPUs stay busy until its agent no longer runs the old attempt.
            assertThat(h.node("node-1").gpusAllocated()).isEqualTo(8);
            assertThat(job.reason()).isEqualTo("Resources");

            h.one(new Event.NodeHeartbeat(h.now, "node-1", List.of()));
            Job restarted = h.job(gang);
            assertThat(restarted.state()).isEqualTo(JobState.RUNNING);
            assertThat(restarted.attempt()).isEqualTo(2);
            assertThat(restarted.allocation()).extracting(NodeAllocation::node).containsExactly("node-1", "node-3");
        }

        @Test
        void the_old_attempts_exit_frees_the_survivors_gpus_and_is_not_taken_for_the_new_one() {
            runningGang(spec());
            loseNode2();
            h.one(new Event.AllocationEnded(h.now, "node-1", gang, 1, 143, ""));
            Job restarted = h.job(gang);
            assertThat(restarted.state()).isEqualTo(JobState.RUNNING);
            assertThat(restarted.attempt()).isEqualTo(2);
        }

        @Test
        void a_failed_exit_while_a_node_is_away_waits_for_the_verdict_on_that_node() {
            runningGang(spec());
            h.one(new Event.NodeDisconnected(h.now, "node-2"));
            // srun lost its task on node-2, so the script failed: that is the node's fault.
            h.one(new Event.AllocationEnded(h.now, "node-1", gang, 1, 1, ""));
            assertThat(h.job(gang).state()).isEqualTo(JobState.RUNNING);

            h.advance(Duration.ofSeconds(10)).one(new Event.TimerFired(h.now, new TimerKey.NodeLostCheck("node-2", 1)));
            assertThat(h.job(gang).state()).isEqualTo(JobState.PENDING);
            assertThat(h.job(gang).reason()).isIn("NodeFail", "Resources");
        }

        @Test
        void a_held_exit_stands_when_the_node_comes_back() {
            runningGang(spec());
            h.one(new Event.NodeDisconnected(h.now, "node-2"));
            h.one(new Event.AllocationEnded(h.now, "node-1", gang, 1, 3, ""));
            h.one(new Event.NodeRegistered(h.now, "node-2", "10.0.0.2:7000", EngineHarness.gpus("node-2", 8),
                    List.of(new Event.RunningAllocation(gang, 1)), List.of()));
            assertThat(h.job(gang).state()).isEqualTo(JobState.FAILED);
            assertThat(h.job(gang).exitCode()).hasValue(3);
        }

        @Test
        void a_job_that_opted_out_of_requeue_ends_node_fail() {
            runningGang(spec().noRequeue());
            loseNode2();
            assertThat(h.job(gang).state()).isEqualTo(JobState.NODE_FAIL);
            assertThat(h.job(gang).reason()).isEqualTo("NodeFail");
        }

        @Test
        void a_job_that_keeps_losing_nodes_stops_after_the_requeue_limit() {
            h = EngineHarness.withNodes(2, 8);
            gang = h.submit(spec().nodes(2).gpusPerNode(8).build());
            for (int attempt = 1; attempt <= 4; attempt++) {
                assertThat(h.job(gang).attempt()).isEqualTo(attempt);
                h.one(new Event.NodeDisconnected(h.now, "node-2"));
                long epoch = attempt;
                h.advance(Duration.ofSeconds(10)).one(new Event.TimerFired(h.now,
                        new TimerKey.NodeLostCheck("node-2", epoch)));
                if (attempt <= 3) {
                    assertThat(h.job(gang).state()).isEqualTo(JobState.PENDING);
                    h.one(new Event.NodeHeartbeat(h.now, "node-1", List.of()));
                    h.register("node-2", 8);
                }
            }
            assertThat(h.job(gang).state()).isEqualTo(JobState.NODE_FAIL);
            assertThat(h.job(gang).reason()).contains("requeued 3 times");
        }

        @Test
        void a_node_that_returns_with_strays_takes_no_work_until_they_are_gone() {
            h = EngineHarness.withNodes(1, 8);
            h.one(new Event.NodeDisconnected(h.now, "node-1"));
            h.one(new Event.NodeRegistered(h.now, "node-1", "10.0.0.1:7000", EngineHarness.gpus("node-1", 8),
                    List.of(new Event.RunningAllocation(JobId.of(99), 1)), List.of()));
            JobId waiting = h.submit(spec().build());
            assertThat(h.job(waiting).state()).isEqualTo(JobState.PENDING);
            assertThat(h.effectsOf(Effect.KillJob.class)).contains(
                    new Effect.KillJob(JobId.of(99), 1, List.of("node-1"), "KILL", Duration.ZERO));

            h.one(new Event.NodeHeartbeat(h.now, "node-1", List.of()));
            assertThat(h.job(waiting).state()).isEqualTo(JobState.RUNNING);
        }

        @Test
        void after_a_restart_a_node_that_never_returns_fails_its_jobs() {
            runningGang(spec().noRequeue());
            var snap = h.engine.snapshot();
            SchedulerEngine restored = SchedulerEngine.restore(EngineConfig.defaults(), 100,
                    snap.nodes().stream().map(NodeView::record).toList(), snap.jobs().values());
            EngineHarness r = new EngineHarness(restored);
            r.register("node-2", 8);
            r.one(new Event.TimerFired(r.now, new TimerKey.NodeLostCheck("node-1", 0)));
            assertThat(r.job(gang).state()).isEqualTo(JobState.NODE_FAIL);
            assertThat(r.node("node-1").state()).isEqualTo(NodeState.DOWN);
            assertThat(r.node("node-3").state()).as("no jobs, never came back").isEqualTo(NodeState.DOWN);
        }
    }

    @Nested
    class Backfilling {
        private EngineHarness h;
        private JobId wide;

        /**
         * Two 8-GPU nodes: node-1 busy for 60 min, node-2 half busy for 30 min; a 2-node job waits
         * for both, so it is promised T0+60 min.
         */
        private void blockedWideJob(EngineConfig config) {
            h = new EngineHarness(SchedulerEngine.fresh(config));
            h.register("node-1", 8);
            h.register("node-2", 8);
            h.submit(spec().gpusPerNode(8).limit(Duration.ofMinutes(60)).build());
            h.submit(spec().gpusPerNode(4).limit(Duration.ofMinutes(30)).build());
            wide = h.submit(spec().nodes(2).gpusPerNode(8).limit(Duration.ofMinutes(60)).build());
        }

        @Test
        void a_blocked_job_is_promised_the_earliest_time_its_gang_fits() {
            blockedWideJob(EngineConfig.defaults());
            assertThat(h.job(wide).reason()).isEqualTo("Resources");
            assertThat(h.engine.snapshot().estimatedStart(wide)).hasValue(EngineHarness.T0.plus(Duration.ofMinutes(60)));
        }

        @Test
        void a_short_job_starts_in_the_hole_before_the_reservation() {
            blockedWideJob(EngineConfig.defaults());
            JobId shortJob = h.submit(spec().gpusPerNode(4).limit(Duration.ofMinutes(20)).build());
            assertThat(h.job(shortJob).state()).isEqualTo(JobState.RUNNING);
            assertThat(h.job(shortJob).allocation()).extracting(NodeAllocation::node).containsExactly("node-2");
            assertThat(h.engine.snapshot().estimatedStart(wide)).as("not delayed")
                    .hasValue(EngineHarness.T0.plus(Duration.ofMinutes(60)));
        }

        @Test
        void a_long_job_that_would_delay_the_reservation_waits() {
            blockedWideJob(EngineConfig.defaults());
            JobId longJob = h.submit(spec().gpusPerNode(4).limit(Duration.ofMinutes(120)).build());
            assertThat(h.job(longJob).state()).isEqualTo(JobState.PENDING);
            assertThat(h.job(longJob).reason()).isEqualTo("Priority");
            assertThat(h.engine.snapshot().estimatedStart(longJob)).as("promised after the wide job")
                    .hasValue(EngineHarness.T0.plus(Duration.ofMinutes(120)));
        }

        @Test
        void without_reservations_nothing_protects_the_blocked_job() {
            blockedWideJob(EngineConfig.defaults().withReservations(0));
            JobId longJob = h.submit(spec().gpusPerNode(4).limit(Duration.ofMinutes(120)).build());
            assertThat(h.job(longJob).state()).isEqualTo(JobState.RUNNING);
            assertThat(h.job(wide).reason()).isEqualTo("Priority");
        }

        @Test
        void the_reserved_job_starts_when_its_nodes_free_up() {
            blockedWideJob(EngineConfig.defaults());
            h.submit(spec().gpusPerNode(4).limit(Duration.ofMinutes(20)).build());
            for (Job j : h.engine.snapshot().jobs().values()) {
                if (j.isRunning()) {
                    h.ended(j.id(), 0);
                }
            }
            assertThat(h.job(wide).state()).isEqualTo(JobState.RUNNING);
            assertThat(h.engine.snapshot().estimatedStarts()).isEmpty();
        }
    }

    @Nested
    class Forgetting {
        @Test
        void only_the_most_recently_finished_jobs_stay_in_memory() {
            EngineHarness h = new EngineHarness(SchedulerEngine.fresh(EngineConfig.defaults().withFinishedInMemory(2)));
            h.register("node-1", 8);
            JobId a = h.submit(spec().build());
            JobId b = h.submit(spec().build());
            JobId c = h.submit(spec().build());
            JobId live = h.submit(spec().build());
            h.ended(b, 0);
            h.advance(Duration.ofSeconds(1)).ended(a, 0);
            h.advance(Duration.ofSeconds(1)).ended(c, 0);
            // b ended first, so it is forgotten first; its record is in the store's history.
            assertThat(h.engine.snapshot().jobs().keySet()).containsExactly(a, c, live);
            assertThat(h.changes).as("its end was persisted before it was forgotten").anySatisfy(ch ->
                    assertThat(ch).isInstanceOfSatisfying(StateChange.JobUpserted.class, u -> {
                        assertThat(u.job().id()).isEqualTo(b);
                        assertThat(u.job().state()).isEqualTo(JobState.COMPLETED);
                    }));
        }

        @Test
        void a_restored_engine_keeps_the_latest_finished_by_end_time() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId a = h.submit(spec().build());
            JobId b = h.submit(spec().build());
            h.ended(b, 0);
            h.advance(Duration.ofSeconds(1)).ended(a, 0);
            var snap = h.engine.snapshot();
            SchedulerEngine restored = SchedulerEngine.restore(EngineConfig.defaults().withFinishedInMemory(1), 10,
                    snap.nodes().stream().map(NodeView::record).toList(), snap.jobs().values());
            assertThat(restored.snapshot().jobs().keySet()).containsExactly(a);
        }
    }

    @Nested
    class Recovering {
        @Test
        void a_restored_engine_keeps_running_jobs_gpus_and_rearms_their_timers() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId id = h.submit(spec().gpusPerNode(6).build());
            var snap = h.engine.snapshot();
            var nodes = snap.nodes().stream().map(NodeView::record).toList();

            SchedulerEngine restored = SchedulerEngine.restore(EngineConfig.defaults(), id.value() + 1, nodes,
                    snap.jobs().values());
            var restart = EngineHarness.T0.plus(Duration.ofMinutes(3));
            assertThat(restored.recoveryEffects(restart)).containsExactly(
                    new Effect.ScheduleTimer(EngineHarness.T0.plus(Duration.ofMinutes(10)), new TimerKey.TimeLimit(id, 1)),
                    new Effect.ScheduleTimer(restart.plusSeconds(10), new TimerKey.NodeLostCheck("node-1", 0)));
            EngineHarness r = new EngineHarness(restored);
            assertThat(r.node("node-1").state()).as("given time to come back").isEqualTo(NodeState.NOT_RESPONDING);
            assertThat(r.node("node-1").gpusAllocated()).isEqualTo(6);
            JobId next = r.submit(spec().build());
            assertThat(next.value()).isEqualTo(id.value() + 1);
        }

        @Test
        void on_re_registration_a_lost_batch_ends_the_job_and_strays_are_killed() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId lost = h.submit(spec().noRequeue().build());
            h.one(new Event.NodeDisconnected(h.now, "node-1"));
            h.one(new Event.NodeRegistered(h.now, "node-1", "10.0.0.1:7000", EngineHarness.gpus("node-1", 8),
                    List.of(new Event.RunningAllocation(JobId.of(77), 1)), List.of()));

            assertThat(h.job(lost).state()).isEqualTo(JobState.NODE_FAIL);
            assertThat(h.effectsOf(Effect.KillJob.class)).contains(
                    new Effect.KillJob(JobId.of(77), 1, List.of("node-1"), "KILL", Duration.ZERO));
        }

        @Test
        void exits_repeated_at_registration_are_recorded_before_reconciling() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId id = h.submit(spec().build());
            h.one(new Event.NodeDisconnected(h.now, "node-1"));
            h.one(new Event.NodeRegistered(h.now, "node-1", "10.0.0.1:7000", EngineHarness.gpus("node-1", 8),
                    List.of(), List.of(new Event.EndedAllocation(id, 1, 4, ""))));
            assertThat(h.job(id).state()).isEqualTo(JobState.FAILED);
            assertThat(h.job(id).exitCode()).hasValue(4);
        }

        @Test
        void after_a_restore_from_an_older_backup_ids_and_attempts_agents_ran_are_never_reused() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            JobId waiting = h.submit(spec().gpusPerNode(8).build());
            // The backup knew job 1 as pending and nothing after it; agents ran 1.1 and 5.1 since.
            EngineHarness restored = new EngineHarness(SchedulerEngine.restore(EngineConfig.defaults(), 2,
                    h.engine.snapshot().nodes().stream().map(NodeView::record).toList(),
                    List.of(h.job(waiting).ended(JobState.CANCELLED, "", java.util.OptionalInt.empty(), h.now))));
            JobId pending = restored.submit(spec().gpusPerNode(8).build());
            assertThat(pending.value()).isEqualTo(2);
            restored.one(new Event.NodeRegistered(restored.now, "node-1", "10.0.0.1:7000",
                    EngineHarness.gpus("node-1", 8), List.of(new Event.RunningAllocation(JobId.of(5), 1),
                            new Event.RunningAllocation(pending, 1)), List.of()));
            assertThat(restored.submit(spec().gpusPerNode(8).build()).value()).isEqualTo(6);
            restored.one(new Event.NodeHeartbeat(restored.now, "node-1", List.of()));
            assertThat(restored.job(pending).state()).isEqualTo(JobState.RUNNING);
            assertThat(restored.job(pending).attempt()).as("newer than the attempt the agent ran").isEqualTo(2);
        }

        @Test
        void allocations_an_agent_released_are_never_issued_again() {
            EngineHarness h = EngineHarness.withNodes(1, 8);
            h.one(new Event.NodeRegistered(h.now, "node-1", "10.0.0.1:7000", EngineHarness.gpus("node-1", 8),
                    List.of(), List.of(), List.of(new Event.RunningAllocation(JobId.of(9), 2))));
            JobId next = h.submit(spec().build());
            assertThat(next.value()).isEqualTo(10);
        }

        @Test
        void a_non_batch_node_that_forgot_the_allocation_is_told_again() {
            EngineHarness h = EngineHarness.withNodes(2, 8);
            JobId id = h.submit(spec().nodes(2).build());
            h.one(new Event.NodeRegistered(h.now, "node-2", "10.0.0.2:7000", EngineHarness.gpus("node-2", 8),
                    List.of(), List.of()));
            assertThat(h.job(id).state()).isEqualTo(JobState.RUNNING);
            assertThat(h.effectsOf(Effect.RelaunchOnNode.class)).singleElement()
                    .satisfies(r -> assertThat(r.node()).isEqualTo("node-2"));
        }
    }
}
