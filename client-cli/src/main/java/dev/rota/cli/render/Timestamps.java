package dev.rota.cli.render;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Protobuf timestamps as the CLI prints them, to the second. */
final class Timestamps {
    private Timestamps() {}

    static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    /** ISO-8601 in UTC, e.g. {@code 2026-11-23T04:05:06Z}: the JSON form. */
    static String utc(Timestamp timestamp) {
        return DateTimeFormatter.ISO_INSTANT.format(instant(timestamp).truncatedTo(ChronoUnit.SECONDS));
    }

    /** ISO-8601 in {@code zone} with its offset, e.g. {@code 2026-11-23T05:05:06+01:00}: the human form. */
    static String local(Timestamp timestamp, ZoneId zone) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                instant(timestamp).truncatedTo(ChronoUnit.SECONDS).atZone(zone));
    }

    /** How long the job has run: start to end, start to {@code now} while running, zero before it starts. */
    static Duration runTime(dev.rota.api.v1.Job job, Instant now) {
        if (!job.hasStartTime()) {
            return Duration.ZERO;
        }
        Instant end = job.hasEndTime() ? instant(job.getEndTime()) : now;
        Duration elapsed = Duration.between(instant(job.getStartTime()), end);
        return elapsed.isNegative() ? Duration.ZERO : elapsed;
    }
}
