package dev.rota.agent.health;

import dev.rota.agent.health.ExternalProgram.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the kernel log since boot with {@code dmesg}, or, where that is refused (for example
 * {@code kernel.dmesg_restrict=1} and no root), with {@code journalctl -k -b}. The programs are
 * looked up once, on a given {@code PATH}. Thread-safe; one {@link #read()} blocks for at most
 * {@code timeout} per program tried.
 *
 * @param commands the commands to try, in order; the first that exits 0 with output wins
 * @param timeout  how long each may take
 */
public record DmesgKernelLog(List<List<String>> commands, Duration timeout) implements KernelLog {

    /** How long reading the log may take by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public DmesgKernelLog {
        commands = commands.stream().map(List::copyOf).toList();
        Objects.requireNonNull(timeout, "timeout");
    }

    /** {@code dmesg}, then {@code journalctl -k -b -q --no-pager}, each where found on {@code pathVariable}. */
    public static DmesgKernelLog onPath(String pathVariable) {
        List<List<String>> commands = new ArrayList<>();
        find("dmesg", pathVariable).ifPresent(p -> commands.add(List.of(p.toString())));
        find("journalctl", pathVariable).ifPresent(p -> commands.add(
                List.of(p.toString(), "-k", "-b", "-q", "--no-pager")));
        return new DmesgKernelLog(commands, DEFAULT_TIMEOUT);
    }

    @Override
    public Reading<String> read() {
        if (commands.isEmpty()) {
            return Reading.unavailable("neither dmesg nor journalctl is on PATH");
        }
        List<String> failures = new ArrayList<>();
        for (List<String> command : commands) {
            String name = Path.of(command.getFirst()).getFileName().toString();
            switch (ExternalProgram.run(command, timeout, Map.of())) {
                case Outcome.Exited e when e.code() == 0 && !e.output().isBlank() -> {
                    return Reading.of(e.output());
                }
                case Outcome.Exited e -> failures.add(name + (e.code() == 0 ? " printed nothing"
                        : " exited with " + e.code() + ": " + ExternalProgram.firstLine(e.output())));
                case Outcome.TimedOut t -> failures.add(name + " did not answer within "
                        + NvidiaSmiHealth.seconds(t.after()));
                case Outcome.NotStarted n -> failures.add(name + ": " + n.why());
            }
        }
        return Reading.unavailable(String.join("; ", failures));
    }

    private static Optional<Path> find(String name, String pathVariable) {
        return dev.rota.agent.Executables.find(name, pathVariable);
    }
}
