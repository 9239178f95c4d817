package dev.rota.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    @Test
    void namesAreTextAndJsonInAnyCase() {
        assertThat(LogFormat.parse("json")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.parse(" JSON ")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.parse("Text")).isEqualTo(LogFormat.TEXT);
        assertThatThrownBy(() -> LogFormat.parse("yaml")).hasMessageContaining("'text' or 'json'")
                .hasMessageContaining("yaml");
    }

    @Test
    void installSetsTheFormatterOfEveryRootHandler() {
        Handler[] handlers = LogManager.getLogManager().getLogger("").getHandlers();
        try {
            LogFormat.JSON.install();
            Handler[] now = LogManager.getLogManager().getLogger("").getHandlers();
            assertThat(now).isNotEmpty();
            assertThat(now).allSatisfy(h -> assertThat(h.getFormatter()).isInstanceOf(JsonLogFormatter.class));
            LogFormat.TEXT.install();
            assertThat(LogManager.getLogManager().getLogger("").getHandlers())
                    .allSatisfy(h -> assertThat(h.getFormatter()).isInstanceOf(SimpleFormatter.class));
        } finally {
            for (Handler h : handlers) {
                h.setFormatter(new SimpleFormatter());
            }
        }
    }
}
