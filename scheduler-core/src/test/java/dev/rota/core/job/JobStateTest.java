package dev.rota.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobStateTest {

    static Stream<Arguments> transitions() {
        return Stream.of(
                Arguments.of("a pending job starts", JobState.PENDING, JobState.RUNNING, true),
                Arguments.of("a pending job is cancelled", JobState.PENDING, JobState.CANCELLED, true),
                Arguments.of("a pending job cannot complete without running", JobState.PENDING, JobState.COMPLETED, false),
                Arguments.of("a pending job cannot time out", JobState.PENDING, JobState.TIMEOUT, false),
                Arguments.of("a running job completes", JobState.RUNNING, JobState.COMPLETED, true),
                Arguments.of("a running job fails", JobState.RUNNING, JobState.FAILED, true),
                Arguments.of("a running job is cancelled", JobState.RUNNING, JobState.CANCELLED, true),
                Arguments.of("a running job times out", JobState.RUNNING, JobState.TIMEOUT, true),
                Arguments.of("a running job loses a node", JobState.RUNNING, JobState.NODE_FAIL, true),
                Arguments.of("a running job is requeued", JobState.RUNNING, JobState.PENDING, true),
                Arguments.of("a completed job never runs again", JobState.COMPLETED, JobState.RUNNING, false),
                Arguments.of("a cancelled job stays cancelled", JobState.CANCELLED, JobState.PENDING, false),
                Arguments.of("a failed job cannot complete", JobState.FAILED, JobState.COMPLETED, false),
                Arguments.of("a timed-out job cannot be cancelled", JobState.TIMEOUT, JobState.CANCELLED, false),
                Arguments.of("a node-failed job cannot be requeued", JobState.NODE_FAIL, JobState.PENDING, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transitions")
    void the_transition_table(String name, JobState from, JobState to, boolean allowed) {
        assertThat(from.canMoveTo(to)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} is terminal: {1}")
    @MethodSource("terminality")
    void terminal_states_have_no_successors(JobState state, boolean terminal) {
        assertThat(state.isTerminal()).isEqualTo(terminal);
        assertThat(state.successors().isEmpty()).isEqualTo(terminal);
    }

    static Stream<Arguments> terminality() {
        return Stream.of(JobState.values()).map(s -> Arguments.of(s, s != JobState.PENDING && s != JobState.RUNNING));
    }
}
