package dev.rota.core.engine;

import static dev.rota.core.engine.EngineHarness.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import dev.rota.core.policy.Policy;
import dev.rota.core.policy.PolicyFile;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExplanationTest {

    private static Explanation explain(EngineHarness h, Policy policy, JobId id) {
        return Explanation.of(h.engine.snapshot(), policy, id, h.now).orElseThrow();
    }

    @Test
    void a_gang_too_wide_for_the_free_nodes_is_told_how_many_fit_now() {
        EngineHarness h = EngineHarness.withNodes(2, 8);
        h.submit(spec().gpusPerNode(8).limit(Duration.ofHours(5)).build());
        JobId wide = h.submit(spec().nodes(2).gpusPerNode(8).build());

        Explanation e = explain(h, Policy.open("default"), wide);

        assertThat(e.reason()).isEqualTo("Resources");
        assertThat(e.reasonText()).contains("highest-priority job that does not fit");
        assertThat(e.facts().get(0)).isEqualTo("it needs 2 node(s) with 8 free GPU(s) each; 1 of 2 node(s) taking "
                + "work have that now");
        assertThat(e.estimatedStart()).hasValue(EngineHarness.T0.plus(Duration.ofHours(5)));
        assertThat(e.suggestions()).containsExactly("--nodes=1: 1 node(s) have 8 GPUs free now");
    }

    @Test
    void a_job_held_back_by_a_reservation_is_told_the_backfill_hole() {
        EngineHarness h = EngineHarness.withNodes(2, 8);
        h.submit(spec().gpusPerNode(8).limit(Duration.ofMinutes(60)).build());
        h.submit(spec().nodes(2).gpusPerNode(8).build()); // reserved when the first ends
        JobId tooLong = h.submit(spec().gpusPerNode(8).limit(Duration.ofMinutes(120)).build());

        Explanation e = explain(h, Policy.open("default"), tooLong);

        assertThat(e.reason()).isEqualTo("Priority");
        assertThat(e.suggestions()).anyMatch(s -> s.startsWith("--time=60:"));
    }

    @Test
    void a_limit_reason_comes_with_the_numbers_behind_it() throws Exception {
        Policy policy = PolicyFile.parse("Account=lab MaxGPUs=8\nUser=alice Account=lab\n", "p");
        EngineHarness h = EngineHarness.withNodes(EngineConfig.defaults().withPolicy(policy), 2, 8);
        h.submit(spec().gpusPerNode(8).build());
        JobId held = h.submit(spec().gpusPerNode(2).build());

        Explanation e = explain(h, policy, held);

        assertThat(e.reason()).isEqualTo("AccountGpuLimit");
        assertThat(e.facts()).contains("account 'lab' runs 8 GPUs; MaxGPUs=8; this job needs 2");
    }

    @Test
    void a_running_job_has_nothing_to_explain() {
        EngineHarness h = EngineHarness.withNodes(1, 8);
        JobId running = h.submit(spec().gpusPerNode(8).build());
        Explanation e = explain(h, Policy.open("default"), running);
        assertThat(e.state()).isEqualTo(JobState.RUNNING);
        assertThat(e.reasonText()).isEqualTo("it is running on 1 node(s)");
        assertThat(e.suggestions()).isEmpty();
    }
}
