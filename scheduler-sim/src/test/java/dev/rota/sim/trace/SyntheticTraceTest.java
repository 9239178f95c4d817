package dev.rota.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The synthetic generator: seeded, Poisson-ish arrivals, heavy tails, bounded values. */
class SyntheticTraceTest {

    @Test
    void the_same_seed_gives_the_same_trace_and_values_stay_in_bounds() {
        SyntheticTrace s = SyntheticTrace.parse("jobs=5000,rate=100,maxgpus=16,accounts=3");
        Trace a = s.generate(5);
        assertThat(s.generate(5)).isEqualTo(a);
        assertThat(s.generate(6)).isNotEqualTo(a);
        assertThat(a.jobs()).hasSize(5000);
        assertThat(a.accounts()).containsOnlyKeys("a0", "a1", "a2");
        assertThat(a.jobs()).allMatch(j -> j.gpus() >= 1 && j.gpus() <= 16 && Integer.bitCount(j.gpus()) == 1);
        for (int i = 1; i < a.jobs().size(); i++) {
            assertThat(a.jobs().get(i).submit()).isAfterOrEqualTo(a.jobs().get(i - 1).submit());
        }
        // About 100 jobs an hour: 5,000 jobs over roughly 50 hours.
        double hours = java.time.Duration.between(a.jobs().get(0).submit(), a.jobs().get(4999).submit()).toSeconds() / 3600.0;
        assertThat(hours).isBetween(45.0, 55.0);
        long single = a.jobs().stream().filter(j -> j.gpus() == 1).count();
        assertThat(single).isBetween(3500L, 4000L); // tail 0.25: 1 / (1 + .25 + .0625 + ...) = 75%
        double mean = a.jobs().stream().mapToLong(j -> j.duration().toSeconds()).average().orElseThrow();
        long median = a.jobs().stream().mapToLong(j -> j.duration().toSeconds()).sorted().skip(2500).findFirst().orElseThrow();
        assertThat(median).isBetween(1000L, 1400L);
        assertThat(mean).isGreaterThan(4.0 * median); // heavy tail
    }

    @Test
    void unknown_options_are_named() {
        assertThatThrownBy(() -> SyntheticTrace.parse("jobs=5,speed=2")).hasMessageContaining("speed");
        assertThatThrownBy(() -> SyntheticTrace.parse("jobs=x")).hasMessageContaining("not a number");
    }
}
