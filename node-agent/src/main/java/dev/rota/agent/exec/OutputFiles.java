package dev.rota.agent.exec;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a job's batch script writes on this node, for {@code rota logs}.
 *
 * @param output the output file (stdout, and stderr unless split)
 * @param error  the error file when stderr is split from stdout
 * @param ended  whether the batch script has exited (nothing more will be written by it)
 */
public record OutputFiles(Path output, Optional<Path> error, boolean ended) {
    /** The file {@code rota logs} reads: the error file with {@code stderr}, when there is one. */
    public Path file(boolean stderr) {
        return stderr ? error.orElse(output) : output;
    }
}
