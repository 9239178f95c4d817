package dev.rota.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Formats each log record as one JSON object on one line:
 *
 * <pre>{@code
 * {"time":"2026-11-23T08:36:25.123Z","level":"INFO","logger":"dev.rota.daemon.Daemon",
 *  "message":"...","thread":"main","job_id":7,"node":"node-1","account":"physics",
 *  "exception":"java.io.IOException: ...\n\tat ..."}
 * }</pre>
 *
 * <p>{@code time} is UTC to the millisecond; {@code level} is the JUL level name; {@code message}
 * is the formatted message ({@code {0}} placeholders filled, as the text format does);
 * {@code job_id}, {@code node} and {@code account} appear only when a {@link LogFields} is among
 * the record's parameters and sets them; {@code exception} (the stack trace as Java prints it)
 * only when the record carries a throwable. Newlines and other control characters inside values
 * are escaped, so a record is always exactly one line.
 *
 * <p>{@code thread} is the name of the thread formatting the record when that is the thread that
 * logged it (true for the synchronous console handler Rota uses), else {@code thread-ID}.
 *
 * <p>Thread-safe: keeps no state.
 */
public final class JsonLogFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

    @Override
    public String format(LogRecord record) {
        StringBuilder b = new StringBuilder(256).append('{');
        field(b, "time", TIME.format(record.getInstant().truncatedTo(ChronoUnit.MILLIS)));
        b.append(',');
        field(b, "level", record.getLevel().getName());
        b.append(',');
        field(b, "logger", record.getLoggerName() == null ? "" : record.getLoggerName());
        b.append(',');
        field(b, "message", record.getMessage() == null ? "" : formatMessage(record));
        b.append(',');
        field(b, "thread", threadName(record));
        LogFields fields = fields(record);
        if (fields.jobId() > 0) {
            b.append(",\"job_id\":").append(fields.jobId());
        }
        if (fields.node() != null) {
            b.append(',');
            field(b, "node", fields.node());
        }
        if (fields.account() != null) {
            b.append(',');
            field(b, "account", fields.account());
        }
        if (record.getThrown() != null) {
            b.append(',');
            field(b, "exception", stackTrace(record.getThrown()));
        }
        return b.append('}').append('\n').toString();
    }

    /** The first {@link LogFields} among the record's parameters, else {@link LogFields#NONE}. */
    static LogFields fields(LogRecord record) {
        Object[] params = record.getParameters();
        if (params != null) {
            for (Object p : params) {
                if (p instanceof LogFields f) {
                    return f;
                }
            }
        }
        return LogFields.NONE;
    }

    private static String threadName(LogRecord record) {
        Thread current = Thread.currentThread();
        return current.threadId() == record.getLongThreadID() ? current.getName()
                : "thread-" + record.getLongThreadID();
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        try (PrintWriter w = new PrintWriter(out)) {
            t.printStackTrace(w);
        }
        String s = out.toString();
        // printStackTrace ends with a line separator; the value should not.
        return s.endsWith(System.lineSeparator()) ? s.substring(0, s.length() - System.lineSeparator().length()) : s;
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":");
        quote(b, value);
    }

    /** Appends {@code s} as a JSON string (RFC 8259): quotes, backslashes and control characters escaped. */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    // U+2028/2029 are legal JSON but end lines in some readers: escape them too.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

}
