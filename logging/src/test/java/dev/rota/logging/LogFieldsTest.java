package dev.rota.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogFieldsTest {
    private final Logger logger = Logger.getLogger("dev.rota.test.LogFieldsTest");
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        logger.setUseParentHandlers(false);
        logger.addHandler(capture);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    @Test
    void aLoggedLineCarriesItsFieldsInJsonAndReadsAsBeforeInText() {
        LogFields.job(12).withNode("node-4").withAccount("physics").log(logger, Level.INFO, "node-4: job 12 started");

        assertThat(records).hasSize(1);
        Map<String, Object> json = Json.object(new JsonLogFormatter().format(records.getFirst()));
        assertThat(json).containsEntry("logger", "dev.rota.test.LogFieldsTest").containsEntry("job_id", 12L)
                .containsEntry("node", "node-4").containsEntry("account", "physics")
                .containsEntry("message", "node-4: job 12 started");
        assertThat(new SimpleFormatter().formatMessage(records.getFirst())).isEqualTo("node-4: job 12 started");
        assertThat(records.getFirst().getSourceClassName()).isEqualTo(LogFieldsTest.class.getName());
        assertThat(records.getFirst().getSourceMethodName())
                .isEqualTo("aLoggedLineCarriesItsFieldsInJsonAndReadsAsBeforeInText");
    }

    @Test
    void freeTextThatLooksLikeAPatternIsWrittenAsGiven() {
        String reason = "drain reason '{0}' {1,number} from a user";

        LogFields.node("node-1").log(logger, Level.WARNING, reason, new IllegalStateException("boom"));

        LogRecord r = records.getFirst();
        assertThat(new SimpleFormatter().formatMessage(r)).isEqualTo(reason);
        Map<String, Object> json = Json.object(new JsonLogFormatter().format(r));
        assertThat(json).containsEntry("message", reason).containsEntry("node", "node-1");
        assertThat((String) json.get("exception")).startsWith("java.lang.IllegalStateException: boom");
    }

    @Test
    void nothingIsRecordedBelowTheLoggersLevel() {
        LogFields.job(1).log(logger, Level.FINE, "detail");

        assertThat(records).isEmpty();
    }
}
