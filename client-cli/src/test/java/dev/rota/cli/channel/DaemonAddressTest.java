package dev.rota.cli.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DaemonAddressTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            the default          | 127.0.0.1:7070    | 127.0.0.1   | 7070
            a host name          | rotad.example:443 | rotad.example | 443
            IPv6 in brackets     | [::1]:7070        | ::1         | 7070
            the highest port     | head-0:65535      | head-0      | 65535
            """)
    void parsesHostAndPort(String name, String text, String host, int port) {
        DaemonAddress address = DaemonAddress.parse(text);

        assertThat(address).isEqualTo(new DaemonAddress(host, port));
        assertThat(address).hasToString(text);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "rotad", "rotad:", ":7070", "rotad:http", "rotad:0", "rotad:65536", "rotad:-1",
            "::1:7070", "rot ad:7070", "rotad:123456"})
    void rejectsWithAMessageNamingTheValue(String text) {
        assertThatThrownBy(() -> DaemonAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid daemon address '" + text + "' (use HOST:PORT, e.g. 127.0.0.1:7070)");
    }
}
