package dev.rota.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SlurmTimeTest {

    static Stream<Arguments> validTimes() {
        return Stream.of(
                Arguments.of("minutes alone", "10", Duration.ofMinutes(10)),
                Arguments.of("minutes beyond an hour", "90", Duration.ofMinutes(90)),
                Arguments.of("minutes and seconds", "10:00", Duration.ofMinutes(10)),
                Arguments.of("minutes and odd seconds", "1:30", Duration.ofSeconds(90)),
                Arguments.of("seconds alone", "0:45", Duration.ofSeconds(45)),
                Arguments.of("hours, minutes, seconds", "1:02:03", Duration.ofSeconds(3723)),
                Arguments.of("hours beyond a day", "36:00:00", Duration.ofHours(36)),
                Arguments.of("days and hours", "2-12", Duration.ofHours(60)),
                Arguments.of("days, hours, minutes", "1-00:30", Duration.ofDays(1).plusMinutes(30)),
                Arguments.of("days, hours, minutes, seconds", "1-02:03:04",
                        Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4)),
                Arguments.of("zero days", "0-01", Duration.ofHours(1)),
                Arguments.of("leading zeros", "007", Duration.ofMinutes(7)),
                Arguments.of("hours far beyond a day", "960:00:00", Duration.ofHours(960)),
                Arguments.of("sixty minutes written out", "00:60:00", Duration.ofHours(1)),
                Arguments.of("seconds of 60, as Slurm takes them", "1:60", Duration.ofMinutes(2)),
                Arguments.of("minutes of 75", "1:75:00", Duration.ofMinutes(135)),
                Arguments.of("hours of 24 after days", "1-24", Duration.ofDays(2)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("validTimes")
    void parsesSlurmTimes(String name, String text, Duration expected) {
        assertThat(SlurmTime.parse(text)).isEqualTo(expected);
    }

    static Stream<Arguments> invalidTimes() {
        return Stream.of(
                Arguments.of("empty", "", "invalid time '' (use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)"),
                Arguments.of("four fields", "1:2:3:4",
                        "invalid time '1:2:3:4' (use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)"),
                Arguments.of("days with four clock fields", "1-1:2:3:4", "invalid time '1-1:2:3:4' (use"),
                Arguments.of("empty field", "10:", "invalid time '10:' (use"),
                Arguments.of("empty days", "-5", "invalid time '-5' (use"),
                Arguments.of("empty hours after days", "1-", "invalid time '1-' (use"),
                Arguments.of("letters", "ten", "invalid time 'ten' (use"),
                Arguments.of("unit suffix", "10m", "invalid time '10m' (use"),
                Arguments.of("plus sign", "+10", "invalid time '+10' (use"),
                Arguments.of("blank inside", "1: 30", "invalid time '1: 30' (use"),
                Arguments.of("two dashes", "1-2-3", "invalid time '1-2-3' (use"),
                Arguments.of("zero, Slurm's no limit", "0", "invalid time '0': jobs without a time limit are not supported"),
                Arguments.of("zero with days", "0-0:0:0", "invalid time '0-0:0:0': jobs without a time limit"),
                Arguments.of("minus one, Slurm's no limit", "-1", "invalid time '-1': jobs without a time limit"),
                Arguments.of("unlimited", "UNLIMITED",
                        "invalid time 'UNLIMITED': jobs without a time limit are not supported yet"),
                Arguments.of("infinite, lower case", "infinite",
                        "invalid time 'infinite': jobs without a time limit are not supported yet"),
                Arguments.of("too many digits", "9999999999999999999", "invalid time '9999999999999999999': too long"),
                Arguments.of("overflowing days", "999999999999999-0", "invalid time '999999999999999-0': too long"));
    }

    @ParameterizedTest(name = "{0}: \"{1}\"")
    @MethodSource("invalidTimes")
    void rejectsWithAMessageNamingTheValue(String name, String text, String messageStart) {
        assertThatThrownBy(() -> SlurmTime.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(messageStart);
    }

    static Stream<Arguments> limits() {
        return Stream.of(
                Arguments.of("a limit", "10:00", Optional.of(Duration.ofMinutes(10))),
                Arguments.of("UNLIMITED", "UNLIMITED", Optional.empty()),
                Arguments.of("INFINITE, lower case", "infinite", Optional.empty()),
                Arguments.of("minus one", "-1", Optional.empty()),
                Arguments.of("zero", "0", Optional.empty()),
                Arguments.of("zero days and hours", "0-0", Optional.empty()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("limits")
    void readsNoLimitAsEmpty(String name, String text, Optional<Duration> expected) {
        assertThat(SlurmTime.parseLimit(text, "--time value")).isEqualTo(expected);
    }

    /** The invalid times that are malformed, not merely unlimited. */
    static Stream<Arguments> malformedTimes() {
        return invalidTimes().filter(a -> !((String) a.get()[2]).contains("without a time limit"));
    }

    @ParameterizedTest(name = "{0}: \"{1}\"")
    @MethodSource("malformedTimes")
    void namesTheOptionWhenAskedTo(String name, String text, String messageStart) {
        assertThatThrownBy(() -> SlurmTime.parseLimit(text, "--time value"))
                .hasMessageStartingWith(messageStart.replaceFirst("^invalid time", "invalid --time value"));
    }

    static Stream<Arguments> elapsedTimes() {
        return Stream.of(
                Arguments.of("nothing yet", Duration.ZERO, "0:00"),
                Arguments.of("seconds", Duration.ofSeconds(7), "0:07"),
                Arguments.of("minutes", Duration.ofSeconds(754), "12:34"),
                Arguments.of("an hour", Duration.ofHours(1), "1:00:00"),
                Arguments.of("hours", Duration.ofSeconds(23 * 3600 + 59 * 60 + 59), "23:59:59"),
                Arguments.of("a day", Duration.ofDays(1), "1-00:00:00"),
                Arguments.of("days", Duration.ofDays(12).plusHours(3).plusSeconds(5), "12-03:00:05"),
                Arguments.of("fractions dropped", Duration.ofMillis(59_999), "0:59"),
                Arguments.of("negative (clock skew)", Duration.ofSeconds(-5), "0:00"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("elapsedTimes")
    void formatsLikeSqueue(String name, Duration elapsed, String expected) {
        assertThat(SlurmTime.format(elapsed)).isEqualTo(expected);
    }
}
