package dev.rota.core.engine;

import static dev.rota.core.engine.EngineHarness.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import org.junit.jupiter.api.Test;

/** Nodes report the energy their GPUs drew for a job; the job keeps the sum. */
class EnergyReportedTest {

    @Test
    void eachNodesReportAddsUpOnTheEndedJob() {
        EngineHarness h = EngineHarness.withNodes(2, 8);
        JobId id = h.submit(spec().nodes(2).gpusPerNode(8).build());
        assertThat(h.job(id).energyJoules()).isEmpty();
        h.ended(id, 0);

        h.one(new Event.EnergyReported(h.now, "node-1", id, 1, 1500.0));
        h.one(new Event.EnergyReported(h.now, "node-2", id, 1, 500.25));

        assertThat(h.job(id).state()).isEqualTo(JobState.COMPLETED);
        assertThat(h.job(id).energyJoules()).hasValueCloseTo(2000.25, within(1e-9));
        assertThat(h.changes).anyMatch(c -> c instanceof StateChange.JobUpserted u && u.job().id().equals(id)
                && u.job().energyJoules().isPresent());
    }

    @Test
    void reportsOfAnAttemptNotYetStartedOrNotReadingsAreIgnored() {
        EngineHarness h = EngineHarness.withNodes(1, 8);
        JobId id = h.submit(spec().build());

        h.one(new Event.EnergyReported(h.now, "node-1", id, 2, 100.0));
        h.one(new Event.EnergyReported(h.now, "node-1", id, 1, -5.0));
        h.one(new Event.EnergyReported(h.now, "node-1", id, 1, Double.NaN));
        h.one(new Event.EnergyReported(h.now, "node-1", JobId.of(999), 1, 100.0));

        assertThat(h.job(id).energyJoules()).isEmpty();
    }
}
