package dev.rota.agent.health;

import dev.rota.agent.health.ExternalProgram.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin's health check, like Slurm's {@code HealthCheckProgram}: {@code program} runs without
 * arguments every {@code interval}, with the agent's environment plus {@code ROTA_NODE_NAME}, stdin
 * from {@code /dev/null}, and stdout and stderr together. Exit 0 means healthy. A non-zero exit
 * drains the node with the first non-blank output line as the reason (or "health check program
 * exited with N" when it printed nothing); running longer than {@code timeout} kills it with its
 * descendants and drains with "health check timed out after N s"; a program that cannot be started
 * drains with "health check program cannot run: ...". The program should be idempotent and quick.
 *
 * @param program  path of the program
 * @param interval time between the end of one run and the start of the next
 * @param timeout  how long one run may take
 */
public record HealthCheckProgram(Path program, Duration interval, Duration timeout) {

    /** Longest reason kept from the program's output, in characters. */
    public static final int MAX_REASON = 200;

    /** What one run of the program came to. */
    public sealed interface Result {
        /** The fatal condition this result means, if any: the drain reason. */
        Optional<String> fault();

        record Passed() implements Result {
            @Override
            public Optional<String> fault() {
                return Optional.empty();
            }
        }

        /** Non-zero exit; {@code firstLine} is the first non-blank output line, possibly empty. */
        record Failed(int exitCode, String firstLine) implements Result {
            @Override
            public Optional<String> fault() {
                return Optional.of(firstLine.isEmpty() ? "health check program exited with " + exitCode : firstLine);
            }
        }

        record TimedOut(Duration after) implements Result {
            @Override
            public Optional<String> fault() {
                return Optional.of("health check timed out after " + NvidiaSmiHealth.seconds(after));
            }
        }

        record CannotRun(String why) implements Result {
            @Override
            public Optional<String> fault() {
                return Optional.of("health check program cannot run: " + why);
            }
        }
    }

    public HealthCheckProgram {
        Objects.requireNonNull(program, "program");
        positive(interval, "interval");
        positive(timeout, "timeout");
    }

    /** Runs the program once for node {@code nodeName}; blocks for at most the timeout (plus a second). */
    public Result run(String nodeName) {
        return switch (ExternalProgram.run(List.of(program.toString()), timeout, Map.of("ROTA_NODE_NAME", nodeName))) {
            case Outcome.Exited e when e.code() == 0 -> new Result.Passed();
            case Outcome.Exited e -> new Result.Failed(e.code(), clip(ExternalProgram.firstLine(e.output())));
            case Outcome.TimedOut t -> new Result.TimedOut(t.after());
            case Outcome.NotStarted n -> new Result.CannotRun(n.why());
        };
    }

    private static String clip(String line) {
        return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON - 3) + "...";
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }
}
