package dev.rota.cli;

import com.google.protobuf.Timestamp;
import dev.rota.cli.slurm.SacctTime;
import java.time.Instant;
import java.time.ZoneId;
import picocli.CommandLine;

/**
 * The time-window and limit options that {@code rota history} and {@code rota audit} share, read
 * the same way: sacct's time forms for the bounds, 1 to 10,000 for the limit. A bad value is a
 * usage error (exit 2) naming it.
 */
final class TimeWindow {
    static final int MAX_LIMIT = 10_000;

    private TimeWindow() {
    }

    /** {@code text} (YYYY-MM-DD[THH:MM[:SS]], now, now-7d ...) as a wire timestamp. */
    static Timestamp bound(CommandLine.Model.CommandSpec spec, String text, Instant now, ZoneId zone) {
        Instant t;
        try {
            t = SacctTime.parse(text, now, zone);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    static void checkLimit(CommandLine.Model.CommandSpec spec, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be between 1 and " + MAX_LIMIT);
        }
    }
}
