package dev.rota.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver works end to end; the numbers it prints are not checked here (docs/BENCHMARKS.md has them). */
class SubmitLoadTest {

    @Test
    @Timeout(30)
    void a_one_second_load_against_an_in_process_rotad_acknowledges_submits() throws Exception {
        LoadReport report = SubmitLoad.run(new LoadOptions(Optional.empty(), 4, 2, Duration.ofSeconds(1),
                Duration.ZERO, LoadOptions.Mode.SUBMIT, LoadOptions.Setup.BLOCKED_QUEUE, true));

        assertThat(report.acked()).isPositive();
        assertThat(report.failed()).isZero();
        assertThat(report.p50Micros()).isPositive().isLessThanOrEqualTo(report.p99Micros());
        assertThat(report.p99Micros()).isLessThanOrEqualTo(report.maxMicros());
        assertThat(report.json()).startsWith("{\"mode\":\"submit\",\"clients\":4,\"connections\":2,")
                .contains("\"acked\":" + report.acked());
    }

    @Test
    @Timeout(30)
    void the_empty_rpc_ceiling_is_measured_on_the_same_kind_of_daemon() throws Exception {
        LoadReport report = SubmitLoad.run(LoadOptions.parse("--mode", "empty", "--clients", "2", "--seconds", "1",
                "--warmup", "0"));

        assertThat(report.mode()).isEqualTo("empty");
        assertThat(report.acked()).isPositive();
    }

    @Test
    void options_default_as_documented_and_stay_bounded() {
        LoadOptions defaults = LoadOptions.parse();
        assertThat(defaults.clients()).isEqualTo(64);
        assertThat(defaults.connections()).isEqualTo(8);
        assertThat(defaults.measure()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.warmup()).isEqualTo(Duration.ofSeconds(3));
        assertThat(defaults.mode()).isEqualTo(LoadOptions.Mode.SUBMIT);
        assertThat(defaults.address()).isEmpty();

        assertThatThrownBy(() -> LoadOptions.parse("--clients", "5000")).hasMessageContaining("--clients");
        assertThatThrownBy(() -> LoadOptions.parse("--seconds", "0")).hasMessageContaining("--seconds");
        assertThatThrownBy(() -> LoadOptions.parse("--address", "192.0.2.1:7070"))
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> LoadOptions.parse("--mode", "fast")).hasMessageContaining("--mode");
        assertThat(LoadOptions.parse("--address", "localhost:7070").address()).contains("localhost:7070");
    }
}
