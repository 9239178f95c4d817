package dev.rota.core.job;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A job's {@code --signal=[B:]SIG[@SECS]}: send {@code signal} {@code before} the job's time limit, so
 * that it can checkpoint. Immutable.
 *
 * <p>Grammar (Slurm's sbatch): an optional {@code B:} prefix, a signal name (with or without
 * {@code SIG}, any case) or number 1..64, and an optional {@code @SECONDS} (0..65535, default
 * {@value #DEFAULT_SECONDS}). Slurm's {@code R:} (signal at the end of a reservation) is refused:
 * Rota has no reservations. {@code KILL} and {@code STOP} are refused: they cannot be trapped, so a
 * warning made of them would only end (or freeze) the job early.
 *
 * <p>Who gets it: with {@code B:} only the batch shell (the {@code bash} running the script); without,
 * every process of the job on every node: the batch shell, its children and the srun tasks. (Slurm
 * without {@code B:} signals the job steps but not the batch shell; Rota signals the shell too, so a
 * script that runs its program directly gets the warning as well.)
 *
 * @param signal    upper-case name without {@code SIG} ({@code USR1}) or a number ({@code 10})
 * @param before    how long before the time limit it is sent; whole seconds
 * @param batchOnly {@code B:}: only the batch shell
 */
public record WarnSignal(String signal, Duration before, boolean batchOnly) {

    /** Seconds before the limit when {@code @SECS} is left out (Slurm's default). */
    public static final int DEFAULT_SECONDS = 60;
    /** The largest {@code @SECS} Slurm accepts. */
    public static final int MAX_SECONDS = 65535;

    private static final Set<String> NAMES = Set.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "TSTP", "TTIN", "TTOU", "URG",
            "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "POLL", "PWR", "SYS");
    private static final Set<String> UNTRAPPABLE = Set.of("KILL", "STOP", "9", "19");

    public WarnSignal {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(before, "before");
        if (before.isNegative() || before.toSeconds() > MAX_SECONDS || before.toNanosPart() != 0) {
            throw new IllegalArgumentException("signal time must be whole seconds in 0.." + MAX_SECONDS + ": " + before);
        }
    }

    /**
     * Reads {@code [B:]SIG[@SECS]}.
     *
     * @throws IllegalArgumentException naming the problem, for anything else
     */
    public static WarnSignal parse(String text) {
        Objects.requireNonNull(text, "text");
        String v = text.strip();
        boolean batchOnly = false;
        int colon = v.indexOf(':');
        if (colon >= 0) {
            String flags = v.substring(0, colon).toUpperCase(Locale.ROOT);
            if (flags.contains("R")) {
                throw invalid(text, "R: (signal at the end of a reservation) is not supported; Rota has no reservations");
            }
            if (!flags.equals("B")) {
                throw invalid(text, "the only prefix is B: (signal only the batch shell)");
            }
            batchOnly = true;
            v = v.substring(colon + 1);
        }
        int seconds = DEFAULT_SECONDS;
        int at = v.indexOf('@');
        if (at >= 0) {
            String s = v.substring(at + 1);
            if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid(text, "the time after @ must be a number of seconds");
            }
            seconds = Integer.parseInt(s);
            if (seconds > MAX_SECONDS) {
                throw invalid(text, "the time after @ must be at most " + MAX_SECONDS + " seconds");
            }
            v = v.substring(0, at);
        }
        String name = signalName(v, text);
        return new WarnSignal(name, Duration.ofSeconds(seconds), batchOnly);
    }

    private static String signalName(String raw, String text) {
        String s = raw.toUpperCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw invalid(text, "no signal given");
        }
        if (s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int n = s.length() > 4 ? 0 : Integer.parseInt(s);
            if (n < 1 || n > 64) {
                throw invalid(text, "signal numbers go from 1 to 64");
            }
            s = Integer.toString(n);
        } else {
            if (s.startsWith("SIG")) {
                s = s.substring(3);
            }
            if (!NAMES.contains(s) && !UNTRAPPABLE.contains(s)) {
                throw invalid(text, "'" + raw + "' is not a signal name");
            }
        }
        if (UNTRAPPABLE.contains(s)) {
            throw invalid(text, "SIG" + (s.equals("9") ? "KILL" : s.equals("19") ? "STOP" : s)
                    + " cannot be trapped, so it cannot warn a job");
        }
        return s;
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid --signal value '" + text + "': " + why
                + " (use [B:]SIGNAL[@SECONDS], e.g. B:USR1@120)");
    }

    /** The canonical text, which {@link #parse} reads back: {@code B:USR1@120}. */
    @Override
    public String toString() {
        return (batchOnly ? "B:" : "") + signal + "@" + before.toSeconds();
    }
}
