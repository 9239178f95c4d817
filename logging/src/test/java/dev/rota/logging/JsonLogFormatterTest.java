package dev.rota.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {
    private final JsonLogFormatter formatter = new JsonLogFormatter();

    private static LogRecord record(Level level, String message, Object... params) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("dev.rota.daemon.agents.AgentSession");
        r.setInstant(Instant.parse("2026-11-23T08:36:25.123456Z"));
        r.setParameters(params.length == 0 ? null : params);
        return r;
    }

    /** Formats, checks the result is exactly one line, and parses it. */
    private Map<String, Object> line(LogRecord r) {
        String out = formatter.format(r);
        assertThat(out).endsWith("\n");
        assertThat(out.substring(0, out.length() - 1)).doesNotContain("\n").doesNotContain("\r");
        return Json.object(out);
    }

    @Test
    void aPlainRecordCarriesTimeLevelLoggerMessageAndThread() {
        Map<String, Object> json = line(record(Level.INFO, "rotad recovered 3 jobs"));

        assertThat(json).containsExactly(
                Map.entry("time", "2026-11-23T08:36:25.123Z"),
                Map.entry("level", "INFO"),
                Map.entry("logger", "dev.rota.daemon.agents.AgentSession"),
                Map.entry("message", "rotad recovered 3 jobs"),
                Map.entry("thread", Thread.currentThread().getName()));
    }

    @Test
    void jobNodeAndAccountComeFromLogFieldsAmongTheParameters() {
        Map<String, Object> json = line(record(Level.WARNING, "job 42 lost with node-3",
                LogFields.job(42).withNode("node-3").withAccount("physics")));

        assertThat(json).containsEntry("job_id", 42L).containsEntry("node", "node-3")
                .containsEntry("account", "physics").containsEntry("level", "WARNING")
                .containsEntry("message", "job 42 lost with node-3");
    }

    @Test
    void fieldsNotSetAreLeftOut() {
        Map<String, Object> json = line(record(Level.INFO, "node-2 drained", LogFields.node("node-2")));

        assertThat(json).containsEntry("node", "node-2").doesNotContainKeys("job_id", "account", "exception");
    }

    @Test
    void placeholdersAreFilledAsInTheTextFormat() {
        Map<String, Object> json = line(record(Level.INFO, "job {0} started on {1}", 7, "node-1",
                LogFields.job(7).withNode("node-1")));

        assertThat(json).containsEntry("message", "job 7 started on node-1").containsEntry("job_id", 7L);
    }

    @Test
    void quotesBackslashesNewlinesAndControlCharactersAreEscaped() {
        String nasty = "reason \"disk\\full\"\nsecond line\r\ttab \u0001 bell \u2028 and ünïcödé";
        LogRecord r = record(Level.INFO, "{0}", nasty, LogFields.node("n\"1"));

        String out = formatter.format(r);

        assertThat(out).contains("\\\"disk\\\\full\\\"\\nsecond line\\r\\ttab \\u0001 bell \\u2028 and ünïcödé");
        Map<String, Object> json = line(r);
        assertThat(json).containsEntry("message", nasty).containsEntry("node", "n\"1");
    }

    @Test
    void anExceptionIsItsStackTraceOnTheSameLine() {
        LogRecord r = record(Level.SEVERE, "commit failed");
        r.setThrown(new IOException("no space left on device", new IllegalStateException("inner \"cause\"")));

        Map<String, Object> json = line(r);

        String trace = (String) json.get("exception");
        assertThat(trace).startsWith("java.io.IOException: no space left on device\n\tat ")
                .contains("JsonLogFormatterTest.anExceptionIsItsStackTraceOnTheSameLine")
                .contains("Caused by: java.lang.IllegalStateException: inner \"cause\"")
                .doesNotEndWith("\n");
    }

    @Test
    void aRecordWithNoMessageOrLoggerIsStillAnObject() {
        LogRecord r = new LogRecord(Level.FINE, null);

        Map<String, Object> json = line(r);

        assertThat(json).containsEntry("level", "FINE").containsEntry("logger", "").containsEntry("message", "");
    }

    @Test
    void theTestParserRefusesWhatIsNotJson() {
        // The checks above lean on this parser: it must reject a raw newline in a string and a bad escape.
        assertThatThrownBy(() -> Json.parse("{\"a\":\"x\ny\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("{\"a\":\"\\x\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("{\"a\":1}{")).isInstanceOf(IllegalArgumentException.class);
    }
}
