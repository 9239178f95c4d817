package dev.rota.cli.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SacctTimeTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("a date is local midnight", "2026-11-20", "2026-11-19T23:00:00Z"),
                Arguments.of("date and minutes", "2026-11-20T08:30", "2026-11-20T07:30:00Z"),
                Arguments.of("date and seconds", "2026-11-20T08:30:15", "2026-11-20T07:30:15Z"),
                Arguments.of("now", "now", "2026-11-23T12:00:00Z"),
                Arguments.of("days ago", "now-7d", "2026-11-16T12:00:00Z"),
                Arguments.of("hours ahead", "now+2hours", "2026-11-23T14:00:00Z"),
                Arguments.of("bare seconds", "now-30", "2026-11-23T11:59:30Z"),
                Arguments.of("weeks, any case", "NOW-1W", "2026-11-16T12:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parses(String name, String text, String expected) {
        assertThat(SacctTime.parse(text, NOW, PARIS)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"yesterday", "2026-13-01", "now-", "now-3y", "20261120"})
    void refuses(String text) {
        assertThatThrownBy(() -> SacctTime.parse(text, NOW, PARIS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid time '" + text + "'");
    }
}
