package dev.rota.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OutputPathsTest {
    static final JobSpec SPEC = new JobSpec("train", "alice", "lab", "main", 1, 1, 0, Duration.ofMinutes(1), "x",
            List.of(), "/home/alice/run", "", "", new TreeMap<>(), true);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("the default", "rota-%j.out", "/home/alice/run/rota-42.out"),
                Arguments.of("name and id", "logs/%x-%j.log", "/home/alice/run/logs/train-42.log"),
                Arguments.of("absolute", "/scratch/%u/%j.out", "/scratch/alice/42.out"),
                Arguments.of("escaped percent", "100%%-%j", "/home/alice/run/100%-42"),
                Arguments.of("unknown escapes kept", "%Q-%j", "/home/alice/run/%Q-42"),
                Arguments.of("trailing percent", "out%", "/home/alice/run/out%"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void resolves(String name, String pattern, String expected) {
        assertThat(OutputPaths.resolve(pattern, JobId.of(42), SPEC)).isEqualTo(expected);
    }
}
