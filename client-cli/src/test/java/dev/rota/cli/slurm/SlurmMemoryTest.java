package dev.rota.cli.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SlurmMemoryTest {
    private static final long MIB = 1L << 20;

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of("megabytes by default", "32000", OptionalLong.of(32000 * MIB)),
                Arguments.of("gigabytes", "64G", OptionalLong.of(64L << 30)),
                Arguments.of("lower-case with B", "512gb", OptionalLong.of(512L << 30)),
                Arguments.of("kilobytes", "2048K", OptionalLong.of(2L * MIB)),
                Arguments.of("megabytes with unit", "500M", OptionalLong.of(500 * MIB)),
                Arguments.of("terabytes", "1T", OptionalLong.of(1L << 40)),
                Arguments.of("upper-case B", "8GB", OptionalLong.of(8L << 30)),
                Arguments.of("lower-case b", "8Gb", OptionalLong.of(8L << 30)),
                Arguments.of("zero is the whole node", "0", OptionalLong.empty()),
                Arguments.of("zero with a unit", "0G", OptionalLong.empty()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("sizes")
    void readsSlurmMemorySizes(String name, String text, OptionalLong bytes) {
        assertThat(SlurmMemory.parseBytes(text, "--mem value")).isEqualTo(bytes);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("empty", ""), Arguments.of("a unit alone", "G"), Arguments.of("a blank", "64 G"),
                Arguments.of("a fraction", "1.5G"), Arguments.of("a negative", "-1"), Arguments.of("an unknown unit", "64X"),
                Arguments.of("two units", "64GG"), Arguments.of("B alone as unit", "B"), Arguments.of("a word", "lots"));
    }

    @ParameterizedTest(name = "{0}: \"{1}\"")
    @MethodSource("invalid")
    void refusesWithTheFormsInTheMessage(String name, String text) {
        assertThatThrownBy(() -> SlurmMemory.parseBytes(text, "--mem value"))
                .hasMessage("invalid --mem value '" + text + "' (" + SlurmMemory.FORMS + ")");
    }

    static Stream<Arguments> formatted() {
        return Stream.of(Arguments.of(64L << 30, "64G"), Arguments.of(1536 * MIB, "1536M"), Arguments.of(3072L, "3K"),
                Arguments.of(1L << 40, "1T"), Arguments.of(100L, "100B"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("formatted")
    void formatsInTheLargestUnitThatDividesIt(long bytes, String text) {
        assertThat(SlurmMemory.format(bytes)).isEqualTo(text);
    }
}
