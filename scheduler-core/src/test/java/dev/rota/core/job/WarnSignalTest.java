package dev.rota.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WarnSignalTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("name and time", "USR1@120", "USR1", 120, false),
                Arguments.of("SIG prefix, lower case", "sigusr2@30", "USR2", 30, false),
                Arguments.of("default time is 60 s", "TERM", "TERM", 60, false),
                Arguments.of("batch shell only", "B:USR1@90", "USR1", 90, true),
                Arguments.of("lower-case b", "b:INT", "INT", 60, true),
                Arguments.of("number", "10@5", "10", 5, false),
                Arguments.of("number with leading zero", "012@5", "12", 5, false),
                Arguments.of("zero seconds", "HUP@0", "HUP", 0, false),
                Arguments.of("largest time", "USR1@65535", "USR1", 65535, false),
                Arguments.of("surrounding blanks", "  USR1@1 ", "USR1", 1, false));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("valid")
    void reads(String name, String text, String signal, int seconds, boolean batchOnly) {
        WarnSignal s = WarnSignal.parse(text);
        assertThat(s).isEqualTo(new WarnSignal(signal, Duration.ofSeconds(seconds), batchOnly));
        assertThat(WarnSignal.parse(s.toString())).as("canonical text reads back").isEqualTo(s);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("empty", "", "no signal given"),
                Arguments.of("only a time", "@60", "no signal given"),
                Arguments.of("unknown name", "USR3@10", "'USR3' is not a signal name"),
                Arguments.of("reservation prefix", "R:USR1", "no reservations"),
                Arguments.of("both prefixes", "RB:USR1", "no reservations"),
                Arguments.of("unknown prefix", "X:USR1", "the only prefix is B:"),
                Arguments.of("time not a number", "USR1@1m", "number of seconds"),
                Arguments.of("empty time", "USR1@", "number of seconds"),
                Arguments.of("time too large", "USR1@65536", "at most 65535"),
                Arguments.of("negative time", "USR1@-5", "number of seconds"),
                Arguments.of("number zero", "0@5", "from 1 to 64"),
                Arguments.of("number too large", "65@5", "from 1 to 64"),
                Arguments.of("KILL cannot be trapped", "KILL@10", "SIGKILL cannot be trapped"),
                Arguments.of("9 cannot be trapped", "9@10", "SIGKILL cannot be trapped"),
                Arguments.of("STOP cannot be trapped", "B:SIGSTOP", "SIGSTOP cannot be trapped"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("invalid")
    void refuses(String name, String text, String why) {
        assertThatThrownBy(() -> WarnSignal.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid --signal value '" + text + "'").hasMessageContaining(why);
    }
}
