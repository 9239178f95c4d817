package dev.rota.core.engine;

import static dev.rota.core.engine.EngineHarness.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An agent reports that its node, not the job, failed (an admin prolog): drain it, requeue the job. */
class NodeFaultTest {
    private static final String FAULT = "prolog /etc/rota/prolog exited 3: scratch is full";

    @Test
    void aPrologFailureOnTheBatchNodeDrainsItAndRequeuesTheJob() {
        EngineHarness h = EngineHarness.withNodes(1, 8);
        JobId id = h.submit(spec().gpusPerNode(8).build());
        assertThat(h.job(id).state()).isEqualTo(JobState.RUNNING);

        h.one(new Event.AllocationEnded(h.now, "node-1", id, 1, 1, "prolog failed", FAULT));

        Job job = h.job(id);
        // Requeued; the cycle that followed gave it its pending reason: its only node is drained now.
        assertThat(job.state()).isEqualTo(JobState.PENDING);
        assertThat(h.changes).anyMatch(c -> c instanceof StateChange.JobUpserted u && u.job().id().equals(id)
                && u.job().state() == JobState.PENDING && u.job().reason().equals("NodeFail: node-1: " + FAULT));
        assertThat(h.node("node-1").record().drain()).hasValueSatisfying(d -> {
            assertThat(d.reason()).isEqualTo(FAULT);
            assertThat(d.by()).isEqualTo(SchedulerEngine.NODE_FAULT_DRAINER);
        });
        assertThat(h.effectsOf(Effect.KillJob.class))
                .contains(new Effect.KillJob(id, 1, List.of("node-1"), "KILL", Duration.ZERO));
    }

    @Test
    void aPrologFailureOnAnotherNodeOfTheGangKillsTheRestAndRequeues() {
        EngineHarness h = EngineHarness.withNodes(3, 8);
        JobId id = h.submit(spec().nodes(2).gpusPerNode(8).build());
        List<String> nodes = h.job(id).allocation().stream().map(a -> a.node()).toList();
        String second = nodes.get(1);

        h.one(new Event.AllocationEnded(h.now, second, id, 1, 1, "prolog failed", FAULT));

        // Requeued; the first node's GPUs stay held until its agent confirms the kill.
        assertThat(h.job(id).state()).isEqualTo(JobState.PENDING);
        assertThat(h.node(second).record().drain()).isPresent();
        assertThat(h.node(nodes.get(0)).record().drain()).isEmpty();
        assertThat(h.effectsOf(Effect.KillJob.class)).anyMatch(k -> k.job().equals(id) && k.attempt() == 1
                && k.nodes().equals(List.of(nodes.get(0))));
    }

    @Test
    void aJobThatMustNotBeRequeuedEndsNodeFail() {
        EngineHarness h = EngineHarness.withNodes(1, 8);
        JobId id = h.submit(spec().noRequeue().build());

        h.one(new Event.AllocationEnded(h.now, "node-1", id, 1, 1, "prolog failed", FAULT));

        assertThat(h.job(id).state()).isEqualTo(JobState.NODE_FAIL);
        assertThat(h.node("node-1").record().drain()).isPresent();
    }

    @Test
    void aRepeatedReportOnlyReleasesAndDoesNotDrainAgain() {
        EngineHarness h = EngineHarness.withNodes(1, 8);
        JobId id = h.submit(spec().noRequeue().build());
        h.one(new Event.AllocationEnded(h.now, "node-1", id, 1, 1, "prolog failed", FAULT));
        h.one(new Event.NodeResumeRequested(h.now, "node-1", "admin"));

        h.one(new Event.AllocationEnded(h.now, "node-1", id, 1, 1, "prolog failed", FAULT));

        assertThat(h.node("node-1").record().drain()).isEmpty();
        assertThat(h.job(id).state()).isEqualTo(JobState.NODE_FAIL);
    }
}
