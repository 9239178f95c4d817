package dev.rota.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * One program started through {@code bin/} (with {@code ROTA_NO_BUILD=1}), its merged output copied
 * to a log file by a reader thread, which also completes the futures of {@link #line} when a matching
 * line appears: waiting for "serving" or "registered" is waiting for that line, not polling.
 *
 * <p>The launchers {@code exec} java, so {@link #kill} SIGKILLs the JVM itself, not a wrapper shell.
 */
final class LaunchedProcess implements AutoCloseable {
    /** The repository root (failsafe sets {@code rota.root}). */
    static final Path ROOT = Path.of(System.getProperty("rota.root", "..")).toAbsolutePath().normalize();

    private final String app;
    private final Process process;
    private final Path logFile;
    private final List<String> lines = new ArrayList<>();
    private final List<Watch> watches = new ArrayList<>();
    private final Thread reader;

    private record Watch(Pattern pattern, CompletableFuture<String> seen) {
    }

    private LaunchedProcess(String app, Process process, Path logFile) {
        this.app = app;
        this.process = process;
        this.logFile = logFile;
        this.reader = new Thread(this::copyOutput, app + "-output");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Starts {@code bin/APP ARGS}, appending its output to {@code logFile}. */
    static LaunchedProcess start(String app, Path logFile, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("bin").resolve(app).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ROTA_NO_BUILD", "1");
        try {
            return new LaunchedProcess(app, pb.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private void copyOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.write('\n');
                log.flush();
                synchronized (this) {
                    lines.add(line);
                    for (Watch w : watches) {
                        if (w.pattern.matcher(line).find()) {
                            w.seen.complete(line);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The process is gone; whoever waits finds out through its exit.
        }
    }

    /**
     * Waits until the output has a line matching {@code pattern} (one printed before this call
     * counts), the process exits, or {@code timeout} passes.
     *
     * @return the line
     * @throws AssertionError on exit or timeout, with the log
     */
    String awaitLine(Pattern pattern, Duration timeout) {
        CompletableFuture<String> seen = new CompletableFuture<>();
        synchronized (this) {
            for (String l : lines) {
                if (pattern.matcher(l).find()) {
                    return l;
                }
            }
            watches.add(new Watch(pattern, seen));
        }
        CompletableFuture<Object> exited = process.onExit().thenApply(p -> p);
        try {
            Object first = CompletableFuture.anyOf(seen, exited).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (first instanceof String line) {
                return line;
            }
            throw new AssertionError(app + " exited with " + process.exitValue() + " before printing /" + pattern
                    + "/; output:\n" + output());
        } catch (TimeoutException e) {
            throw new AssertionError(app + " did not print /" + pattern + "/ within " + timeout.toSeconds()
                    + " s; output:\n" + output());
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            synchronized (this) {
                watches.removeIf(w -> w.seen == seen);
            }
        }
    }

    /** The process's id: the JVM's, since the launchers exec java. */
    long pid() {
        return process.pid();
    }

    /** The command the process runs now (after the launcher's exec: java). */
    String command() {
        return process.info().command().orElse("?");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash: no shutdown hook runs. Waits for the process to be gone. */
    void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(app + " still runs 30 s after being stopped");
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Everything it printed so far. */
    synchronized String output() {
        return String.join("\n", lines);
    }

    /** SIGTERM, then SIGKILL to it and what it started if it does not stop within 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        awaitExit();
    }
}
