package dev.rota.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code rota} reads from the session it runs in: who runs it, their environment, where, and
 * their standard input. Production uses {@link #current()}; tests build one by hand.
 *
 * @param user        the local user name, sent to the daemon in the {@code rota-user} header
 * @param environment the caller's environment: exported to submitted jobs, and the source of
 *                    {@code ROTA_ADDRESS}
 * @param workingDir  the absolute current directory: relative script paths and {@code --chdir}
 *                    resolve against it, and it is a job's default working directory
 * @param stdin       read by {@code rota submit -}
 */
public record Caller(String user, Map<String, String> environment, Path workingDir, InputStream stdin) {

    public Caller {
        environment = Map.copyOf(environment);
        if (!workingDir.isAbsolute()) {
            throw new IllegalArgumentException("working directory must be absolute: " + workingDir);
        }
    }

    /** This process's user, environment, current directory and standard input. */
    public static Caller current() {
        return new Caller(System.getProperty("user.name"), System.getenv(), Path.of("").toAbsolutePath(), System.in);
    }
}
