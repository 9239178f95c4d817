package dev.rota.cli.slurm;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times sbatch's {@code --begin} accepts (its {@code parse_time}), resolved against {@code now}
 * in the caller's zone: {@code now[+N[seconds|minutes|hours|days|weeks]]} (no unit: seconds),
 * {@code HH:MM[:SS]} (today, or tomorrow when it has passed), {@code midnight}, {@code noon},
 * {@code fika} (15:00), {@code teatime} (16:00), {@code today}, {@code tomorrow}, and
 * {@code YYYY-MM-DD[THH:MM[:SS]]}. Pure.
 */
public final class BeginTime {
    private static final Pattern RELATIVE = Pattern.compile(
            "now(?:\\+(\\d{1,9})(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)?)?");
    private static final Pattern CLOCK = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?");

    private BeginTime() {}

    /** @throws IllegalArgumentException naming the accepted forms */
    public static Instant parse(String text, Instant now, ZoneId zone) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = RELATIVE.matcher(t);
        if (m.matches()) {
            if (m.group(1) == null) {
                return now;
            }
            return now.plus(unit(m.group(2)).multipliedBy(Long.parseLong(m.group(1))));
        }
        ZonedDateTime here = now.atZone(zone);
        switch (t) {
            case "midnight" -> {
                return nextAt(here, LocalTime.MIDNIGHT);
            }
            case "noon" -> {
                return nextAt(here, LocalTime.NOON);
            }
            case "fika" -> {
                return nextAt(here, LocalTime.of(15, 0));
            }
            case "teatime" -> {
                return nextAt(here, LocalTime.of(16, 0));
            }
            case "today" -> {
                return here.toLocalDate().atStartOfDay(zone).toInstant();
            }
            case "tomorrow" -> {
                return here.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
            }
            default -> {
            }
        }
        Matcher c = CLOCK.matcher(t);
        if (c.matches()) {
            int h = Integer.parseInt(c.group(1));
            int min = Integer.parseInt(c.group(2));
            int s = c.group(3) == null ? 0 : Integer.parseInt(c.group(3));
            if (h > 23 || min > 59 || s > 59) {
                throw invalid(text);
            }
            return nextAt(here, LocalTime.of(h, min, s));
        }
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(zone).toInstant();
            }
            String full = t.toUpperCase(Locale.ROOT);
            if (full.length() == 16) {
                full = full + ":00";
            }
            return LocalDateTime.parse(full).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(text);
        }
    }

    private static Instant nextAt(ZonedDateTime here, LocalTime time) {
        ZonedDateTime at = here.with(time);
        if (!at.isAfter(here)) {
            at = at.plusDays(1);
        }
        return at.toInstant();
    }

    private static Duration unit(String u) {
        if (u == null || u.startsWith("s")) {
            return Duration.ofSeconds(1);
        }
        return switch (u.charAt(0)) {
            case 'm' -> Duration.ofMinutes(1);
            case 'h' -> Duration.ofHours(1);
            case 'd' -> Duration.ofDays(1);
            default -> Duration.ofDays(7);
        };
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid --begin value '" + text + "' (use now+N[minutes|hours|days], "
                + "HH:MM[:SS], YYYY-MM-DD[THH:MM[:SS]], midnight, noon, teatime or tomorrow)");
    }
}
