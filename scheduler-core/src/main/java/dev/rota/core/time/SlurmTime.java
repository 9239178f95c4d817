package dev.rota.core.time;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Slurm's time grammar, as {@code sbatch --time} reads it and {@code squeue} prints it.
 *
 * <p>Accepted forms, as Slurm's {@code time_str2secs} takes them: {@code M}, {@code M:S},
 * {@code H:M:S}, {@code D-H}, {@code D-H:M} and {@code D-H:M:S}, ASCII digits only. No field is
 * bounded: {@code 960:00:00}, {@code 00:90:00} and {@code 1-36} are all valid, as in Slurm. Unlike
 * Slurm, seconds are kept rather than rounded up to whole minutes. {@code -1}, {@code INFINITE},
 * {@code UNLIMITED} (any case) and a total of zero are Slurm's "no time limit".
 *
 * <p>Pure and thread-safe.
 */
public final class SlurmTime {
    /** The forms a time limit may take, for error messages. */
    public static final String FORMS = "use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S";

    private SlurmTime() {}

    /**
     * Parses a time limit that must be finite.
     *
     * @param text what the user typed, e.g. {@code 10:00} or {@code 2-12}
     * @return the limit, always positive
     * @throws IllegalArgumentException naming {@code text} when it is not a valid, finite limit
     */
    public static Duration parse(String text) {
        return parseLimit(text, "time").orElseThrow(() -> new IllegalArgumentException("invalid time '" + text
                + "': jobs without a time limit are not supported yet; give a limit such as 7-00:00:00"));
    }

    /**
     * Parses a time limit, where "no limit" is allowed.
     *
     * @param text    what the user typed
     * @param subject what the value is, for the message: {@code time} gives
     *                "invalid time '1 day' (use ...)", {@code --time value} gives
     *                "invalid --time value '1 day' (use ...)"
     * @return the limit, always positive; empty for {@code -1}, {@code INFINITE}, {@code UNLIMITED}
     *         and zero, which Slurm reads as "no time limit"
     * @throws IllegalArgumentException naming {@code subject} and {@code text} when it is not valid
     */
    public static Optional<Duration> parseLimit(String text, String subject) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        if (upper.equals("-1") || upper.equals("UNLIMITED") || upper.equals("INFINITE")) {
            return Optional.empty();
        }
        long days = 0;
        String clock = text;
        int dash = text.indexOf('-');
        if (dash >= 0) {
            days = number(text, subject, text.substring(0, dash));
            clock = text.substring(dash + 1);
        }
        String[] fields = clock.split(":", -1);
        long seconds;
        if (dash >= 0) {
            // D-H, D-H:M, D-H:M:S: hours, then minutes, then seconds.
            if (fields.length > 3) {
                throw malformed(text, subject);
            }
            long hours = number(text, subject, fields[0]);
            long minutes = fields.length > 1 ? number(text, subject, fields[1]) : 0;
            long secs = fields.length > 2 ? number(text, subject, fields[2]) : 0;
            seconds = total(text, subject, days, hours, minutes, secs);
        } else {
            seconds = switch (fields.length) {
                case 1 -> total(text, subject, 0, 0, number(text, subject, fields[0]), 0);
                case 2 -> total(text, subject, 0, 0, number(text, subject, fields[0]),
                        number(text, subject, fields[1]));
                case 3 -> total(text, subject, 0, number(text, subject, fields[0]), number(text, subject, fields[1]),
                        number(text, subject, fields[2]));
                default -> throw malformed(text, subject);
            };
        }
        return seconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
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

    private static long total(String text, String subject, long days, long hours, long minutes, long seconds) {
        try {
            return Math.addExact(Math.addExact(Math.multiplyExact(days, 86_400), Math.multiplyExact(hours, 3_600)),
                    Math.addExact(Math.multiplyExact(minutes, 60), seconds));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("invalid " + subject + " '" + text + "': too long", e);
        }
    }

    /** A field of ASCII digits only: no sign, no blanks, not empty. */
    private static long number(String text, String subject, String field) {
        if (field.isEmpty() || field.length() > 18) {
            throw field.isEmpty() ? malformed(text, subject)
                    : new IllegalArgumentException("invalid " + subject + " '" + text + "': too long");
        }
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed(text, subject);
            }
        }
        return Long.parseLong(field);
    }

    private static IllegalArgumentException malformed(String text, String subject) {
        return new IllegalArgumentException("invalid " + subject + " '" + text + "' (" + FORMS + ")");
    }
}
