package dev.rota.cli.slurm;

import java.time.Duration;
import java.util.Locale;

/**
 * Slurm's time grammar, as {@code sbatch --time} reads it and {@code squeue} prints it.
 *
 * <p>Accepted forms: {@code M}, {@code M:S}, {@code H:M:S}, {@code D-H}, {@code D-H:M} and
 * {@code D-H:M:S}. The leading field is unbounded; a field after it must fit its unit (hours below
 * 24 after days, minutes and seconds below 60). Unlike Slurm, seconds are kept rather than rounded
 * up to whole minutes. {@code UNLIMITED}, {@code INFINITE} and zero (Slurm's "no limit") are
 * rejected until Rota supports jobs without a limit.
 *
 * <p>Pure and thread-safe.
 */
public final class SlurmTime {
    private static final String FORMS = "use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S";

    private SlurmTime() {}

    /**
     * Parses a time limit.
     *
     * @param text what the user typed, e.g. {@code 10:00} or {@code 2-12}
     * @return the limit, always positive
     * @throws IllegalArgumentException naming {@code text} when it is not a valid, positive limit
     */
    public static Duration parse(String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        if (upper.equals("UNLIMITED") || upper.equals("INFINITE")) {
            throw new IllegalArgumentException("invalid time '" + text
                    + "': jobs without a time limit are not supported yet; give a limit such as 7-00:00:00");
        }
        long days = 0;
        String clock = text;
        int dash = text.indexOf('-');
        if (dash >= 0) {
            days = number(text, text.substring(0, dash));
            clock = text.substring(dash + 1);
        }
        String[] fields = clock.split(":", -1);
        long seconds;
        if (dash >= 0) {
            // D-H, D-H:M, D-H:M:S: hours, then minutes, then seconds.
            if (fields.length > 3) {
                throw malformed(text);
            }
            long hours = bounded(text, fields[0], 24, "hours");
            long minutes = fields.length > 1 ? bounded(text, fields[1], 60, "minutes") : 0;
            long secs = fields.length > 2 ? bounded(text, fields[2], 60, "seconds") : 0;
            seconds = total(text, days, hours, minutes, secs);
        } else {
            seconds = switch (fields.length) {
                case 1 -> total(text, 0, 0, number(text, fields[0]), 0);
                case 2 -> total(text, 0, 0, number(text, fields[0]), bounded(text, fields[1], 60, "seconds"));
                case 3 -> total(text, 0, number(text, fields[0]), bounded(text, fields[1], 60, "minutes"),
                        bounded(text, fields[2], 60, "seconds"));
                default -> throw malformed(text);
            };
        }
        if (seconds == 0) {
            throw new IllegalArgumentException("invalid time '" + text
                    + "': a time limit of zero means no limit in Slurm, which Rota does not support yet");
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * Formats a duration as {@code squeue} prints elapsed time: {@code M:SS}, {@code H:MM:SS} or
     * {@code D-HH:MM:SS}. Fractions of a second are dropped; negative durations print as {@code 0:00}.
     */
    public static String format(Duration duration) {
        long total = Math.max(0, duration.getSeconds());
        long days = total / 86_400;
        long hours = total / 3_600 % 24;
        long minutes = total / 60 % 60;
        long seconds = total % 60;
        if (days > 0) {
            return String.format(Locale.ROOT, "%d-%02d:%02d:%02d", days, hours, minutes, seconds);
        }
        if (hours > 0) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, seconds);
        }
        return String.format(Locale.ROOT, "%d:%02d", minutes, seconds);
    }

    private static long total(String text, long days, long hours, long minutes, long seconds) {
        try {
            return Math.addExact(Math.addExact(Math.multiplyExact(days, 86_400), Math.multiplyExact(hours, 3_600)),
                    Math.addExact(Math.multiplyExact(minutes, 60), seconds));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("invalid time '" + text + "': too long", e);
        }
    }

    private static long bounded(String text, String field, long limit, String unit) {
        long value = number(text, field);
        if (value >= limit) {
            throw new IllegalArgumentException(
                    "invalid time '" + text + "': " + unit + " must be below " + limit + " (" + FORMS + ")");
        }
        return value;
    }

    /** A field of ASCII digits only: no sign, no blanks, not empty. */
    private static long number(String text, String field) {
        if (field.isEmpty() || field.length() > 18) {
            throw field.isEmpty() ? malformed(text)
                    : new IllegalArgumentException("invalid time '" + text + "': too long");
        }
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed(text);
            }
        }
        return Long.parseLong(field);
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException("invalid time '" + text + "' (" + FORMS + ")");
    }
}
