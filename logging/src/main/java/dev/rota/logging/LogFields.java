package dev.rota.logging;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The job, node and account a log line is about, for the JSON log format:
 *
 * <pre>{@code
 * LogFields.job(7).withNode("node-1").log(LOG, Level.INFO, "node-1: job 7 started");
 * }</pre>
 *
 * <p>The convention underneath is plain java.util.logging: a {@code LogFields} among a record's
 * parameters. {@link JsonLogFormatter} writes the fields it finds there as {@code job_id},
 * {@code node} and {@code account}; the text format ignores them, so the message itself should
 * still say what it is about. {@link #log} is the safe way to attach them to a message that holds
 * free text (a parameter would otherwise make JUL read {@code {0}} in that text as a placeholder).
 * Absent fields are {@code 0} (job) or {@code null}. Immutable.
 *
 * @param jobId   the job id, or 0 when the line is about no job
 * @param node    the node name, or null
 * @param account the account charged, or null
 */
public record LogFields(long jobId, String node, String account) {
    /** No fields. */
    public static final LogFields NONE = new LogFields(0, null, null);

    public LogFields {
        if (jobId < 0) {
            throw new IllegalArgumentException("job id must not be negative: " + jobId);
        }
    }

    /** About job {@code id}. */
    public static LogFields job(long id) {
        return NONE.withJob(id);
    }

    /** About node {@code name}. */
    public static LogFields node(String name) {
        return NONE.withNode(name);
    }

    /** About account {@code name}. */
    public static LogFields account(String name) {
        return NONE.withAccount(name);
    }

    /** Logs {@code message} at {@code level} with these fields, when {@code logger} logs that level. */
    public void log(Logger logger, Level level, String message) {
        log(logger, level, message, null);
    }

    /**
     * Logs {@code message} and {@code thrown} at {@code level} with these fields, when
     * {@code logger} logs that level. The message is written as given, never read as a pattern.
     */
    public void log(Logger logger, Level level, String message, Throwable thrown) {
        if (!logger.isLoggable(level)) {
            return;
        }
        LogRecord record;
        if (PLACEHOLDER.matcher(message).find()) {
            // "{0}" is the one pattern that inserts an argument verbatim.
            record = new LogRecord(level, "{0}");
            record.setParameters(new Object[] {message, this});
        } else {
            record = new LogRecord(level, message);
            record.setParameters(new Object[] {this});
        }
        record.setLoggerName(logger.getName());
        // As JUL would: the source is the caller, not this class.
        StackWalker.getInstance().walk(frames -> frames.filter(f -> !f.getClassName().equals(LogFields.class.getName()))
                .findFirst()).ifPresent(f -> {
                    record.setSourceClassName(f.getClassName());
                    record.setSourceMethodName(f.getMethodName());
                });
        record.setThrown(thrown);
        logger.log(record);
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[0-9]");

    public LogFields withJob(long id) {
        return new LogFields(id, node, account);
    }

    public LogFields withNode(String name) {
        return new LogFields(jobId, name, account);
    }

    public LogFields withAccount(String name) {
        return new LogFields(jobId, node, name);
    }
}
