package dev.rota.logging;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * How {@code rotad} and {@code rota-agent} write their log (to stderr, through java.util.logging's
 * root console handler): {@link #TEXT}, one line per record in the format the program sets with
 * {@code java.util.logging.SimpleFormatter.format}, or {@link #JSON}, one JSON object per line
 * ({@link JsonLogFormatter}). Chosen with {@code --log-format} or {@code ROTA_LOG_FORMAT}.
 */
public enum LogFormat {
    TEXT,
    JSON;

    /** The environment variable that picks the format when no option does. */
    public static final String ENV = "ROTA_LOG_FORMAT";

    /**
     * {@code text} or {@code json}, any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static LogFormat parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("log format must be 'text' or 'json', was '" + value + "'");
        };
    }

    /** A new formatter for this format. */
    public Formatter formatter() {
        return this == JSON ? new JsonLogFormatter() : new SimpleFormatter();
    }

    /**
     * Makes every handler of the root logger use this format, adding a console handler when there
     * is none. Call once at start, before the program logs; later calls replace the format.
     */
    public void install() {
        Logger root = LogManager.getLogManager().getLogger("");
        Handler[] handlers = root.getHandlers();
        if (handlers.length == 0) {
            ConsoleHandler console = new ConsoleHandler();
            root.addHandler(console);
            handlers = new Handler[] {console};
        }
        for (Handler h : handlers) {
            h.setFormatter(formatter());
        }
    }
}
