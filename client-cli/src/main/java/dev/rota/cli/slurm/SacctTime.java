package dev.rota.cli.slurm;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time bounds {@code sacct -S/-E} accept: {@code YYYY-MM-DD}, {@code YYYY-MM-DDTHH:MM[:SS]}
 * (in the caller's zone), {@code now}, and {@code now-N} or {@code now+N} with a unit
 * ({@code s}, {@code m}/{@code minutes}, {@code h}/{@code hours}, {@code d}/{@code days},
 * {@code w}/{@code weeks}; no unit means seconds). Pure.
 */
public final class SacctTime {
    private static final Pattern RELATIVE = Pattern.compile(
            "now(?:([+-])(\\d+)(s|sec|seconds|m|min|minutes|h|hours|d|days|w|weeks)?)?", Pattern.CASE_INSENSITIVE);

    private SacctTime() {}

    /**
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static Instant parse(String text, Instant now, ZoneId zone) {
        String t = text.strip();
        Matcher m = RELATIVE.matcher(t);
        if (m.matches()) {
            if (m.group(1) == null) {
                return now;
            }
            Duration d = unit(m.group(3)).multipliedBy(Long.parseLong(m.group(2)));
            return m.group(1).equals("-") ? now.minus(d) : now.plus(d);
        }
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(zone).toInstant();
            }
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("invalid time '" + text
                    + "' (use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS], now, or now-N[s|m|h|d|w])");
        }
    }

    private static Duration unit(String u) {
        if (u == null) {
            return Duration.ofSeconds(1);
        }
        return switch (u.toLowerCase(java.util.Locale.ROOT)) {
            case "m", "min", "minutes" -> Duration.ofMinutes(1);
            case "h", "hours" -> Duration.ofHours(1);
            case "d", "days" -> Duration.ofDays(1);
            case "w", "weeks" -> Duration.ofDays(7);
            default -> Duration.ofSeconds(1);
        };
    }
}
