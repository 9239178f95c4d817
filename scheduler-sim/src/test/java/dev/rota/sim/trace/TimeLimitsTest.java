package dev.rota.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The assumed user time limits: duration x a seeded factor, rounded up as people write limits. */
class TimeLimitsTest {

    @ParameterizedTest(name = "{0} s x {1} -> {2} s")
    @CsvSource({
        "60,     1.0, 900",     // a minute becomes 15 minutes
        "900,    1.0, 900",
        "901,    1.0, 1800",
        "1200,   2.9, 3600",    // 58 minutes -> 1 hour
        "3000,   1.5, 7200",    // 75 minutes -> 2 hours
        "36000,  1.0, 36000",
        "36001,  1.0, 39600",
    })
    void limits_round_up_to_quarter_hours_then_hours(long seconds, double factor, long expected) {
        assertThat(TimeLimits.DEFAULT.limitFor(Duration.ofSeconds(seconds), factor)).isEqualTo(Duration.ofSeconds(expected));
    }

    @Test
    void without_rounding_limits_are_kept_to_the_second_rounded_up() {
        TimeLimits exact = new TimeLimits(1, 1, false);
        assertThat(exact.limitFor(Duration.ofMillis(61_200), 1.0)).isEqualTo(Duration.ofSeconds(62));
    }

    @Test
    void draws_are_seeded_never_below_the_duration_and_recorded_limits_stay() {
        List<TraceJob> jobs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            jobs.add(new TraceJob(i, "t:" + i, Instant.EPOCH, Duration.ofSeconds(1 + i * 97L), 1, "a",
                    i == 7 ? Duration.ofMinutes(5) : null));
        }
        List<TraceJob> a = TimeLimits.DEFAULT.apply(jobs, 42);
        assertThat(TimeLimits.DEFAULT.apply(jobs, 42)).isEqualTo(a);
        assertThat(TimeLimits.DEFAULT.apply(jobs, 43)).isNotEqualTo(a);
        assertThat(a.get(7).limit()).isEqualTo(Duration.ofMinutes(5));
        for (TraceJob j : a) {
            if (j.index() != 7) {
                assertThat(j.limit()).isGreaterThanOrEqualTo(j.duration());
                assertThat(j.limit().toSeconds()).isLessThanOrEqualTo(Math.max(3600, 3 * j.duration().toSeconds() + 3600));
            }
        }
    }

    @Test
    void factor_ranges_parse_and_bad_ones_say_how_to_write_them() {
        assertThat(TimeLimits.parseFactors("1..2.5", true)).isEqualTo(new TimeLimits(1, 2.5, true));
        assertThatThrownBy(() -> TimeLimits.parseFactors("3", true)).hasMessageContaining("1..3");
        assertThatThrownBy(() -> TimeLimits.parseFactors("3..1", true)).hasMessageContaining("0 < min <= max");
    }
}
