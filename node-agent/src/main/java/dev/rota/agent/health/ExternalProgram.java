package dev.rota.agent.health;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program once, with a deadline, and says what happened as a value: a missing
 * binary, a non-zero exit and a timeout are {@link Outcome}s, never exceptions. Stdout and stderr go
 * together to a temporary file (no reader thread, and a program that writes a lot cannot block on a
 * full pipe); at most {@value #MAX_OUTPUT_BYTES} bytes of it are kept. At the deadline the program and
 * every descendant still attached to it get SIGKILL. Stdin is {@code /dev/null}.
 *
 * <p>Stateless and thread-safe; {@link #run} blocks the calling thread for at most the timeout plus
 * about a second.
 */
public final class ExternalProgram {

    /** How much output is kept, from the start. */
    public static final int MAX_OUTPUT_BYTES = 16 << 20;

    /** What one run came to. */
    public sealed interface Outcome {
        /** The program exited on its own with {@code code} after printing {@code output}. */
        record Exited(int code, String output) implements Outcome {
        }

        /** The program was still running after {@code after} and was killed. */
        record TimedOut(Duration after, String output) implements Outcome {
        }

        /** The program could not be started at all (missing, not executable, no resources). */
        record NotStarted(String why) implements Outcome {
        }
    }

    private ExternalProgram() {
    }

    /**
     * Runs {@code argv} (the first element is the program, found on the JVM's {@code PATH} unless it
     * is a path) with the JVM's environment plus {@code extraEnv}.
     */
    public static Outcome run(List<String> argv, Duration timeout, Map<String, String> extraEnv) {
        Objects.requireNonNull(timeout, "timeout");
        if (argv.isEmpty()) {
            return new Outcome.NotStarted("no program given");
        }
        Path out;
        try {
            out = Files.createTempFile("rota-health", ".out");
        } catch (IOException e) {
            return new Outcome.NotStarted("cannot create a temporary file: " + e.getMessage());
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(extraEnv);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return new Outcome.NotStarted(reason(e));
            }
            boolean exited;
            try {
                exited = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                kill(p);
                Thread.currentThread().interrupt();
                return new Outcome.NotStarted("interrupted while waiting for " + argv.getFirst());
            }
            if (!exited) {
                kill(p);
                return new Outcome.TimedOut(timeout, read(out));
            }
            return new Outcome.Exited(p.exitValue(), read(out));
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // A leftover temporary file is harmless.
            }
        }
    }

    /** The first line of {@code text} that is not blank, stripped; empty when there is none. */
    public static String firstLine(String text) {
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    private static void kill(Process p) {
        // Descendants first: once the parent is gone they are re-parented and harder to find.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path out) {
        try (InputStream in = Files.newInputStream(out)) {
            return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String reason(IOException e) {
        // "Cannot run program "x": error=2, No such file or directory" -> keep the OS's words.
        String m = Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
        int comma = m.indexOf("error=");
        if (comma >= 0) {
            int sep = m.indexOf(", ", comma);
            if (sep >= 0) {
                return m.substring(sep + 2);
            }
        }
        return m;
    }
}
