package dev.rota.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UsageTest {
    private static final Duration WEEK = Duration.ofDays(7);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void usage_halves_every_half_life() {
        Usage u = new Usage(1000, 1000, T0);
        assertThat(u.decayedAt(T0.plus(WEEK), WEEK)).isCloseTo(500, within(1e-9));
        assertThat(u.decayedAt(T0.plus(WEEK.multipliedBy(3)), WEEK)).isCloseTo(125, within(1e-9));
        assertThat(u.decayedAt(T0, WEEK)).isEqualTo(1000);
    }

    @Test
    void a_short_job_costs_about_its_gpu_seconds_and_the_total_exactly() {
        Usage u = Usage.NONE.charge(8, T0, T0.plusSeconds(3600), WEEK);
        assertThat(u.total()).isEqualTo(8 * 3600.0);
        // an hour is 1/168 of the half-life: the decayed figure is just under the raw one
        assertThat(u.decayed()).isLessThan(8 * 3600.0).isGreaterThan(8 * 3600.0 * 0.997);
        assertThat(u.asOf()).isEqualTo(T0.plusSeconds(3600));
    }

    @Test
    void charging_in_pieces_equals_charging_at_once() {
        Instant mid = T0.plus(Duration.ofDays(3));
        Instant end = T0.plus(Duration.ofDays(10));
        Usage once = Usage.NONE.charge(4, T0, end, WEEK);
        Usage pieces = Usage.NONE.charge(4, T0, mid, WEEK).charge(4, mid, end, WEEK);
        assertThat(pieces.decayed()).isCloseTo(once.decayed(), within(1e-6));
        assertThat(pieces.total()).isCloseTo(once.total(), within(1e-6));
    }

    @Test
    void a_running_job_accrues_toward_its_limit_of_gpus_times_half_life_over_ln2() {
        double forever = Usage.running(2, T0, T0.plus(Duration.ofDays(700)), WEEK);
        assertThat(forever).isCloseTo(2 * WEEK.toSeconds() / Math.log(2), within(1.0));
        assertThat(Usage.running(2, T0, T0, WEEK)).isZero();
    }
}
