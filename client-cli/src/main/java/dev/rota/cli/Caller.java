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
 * @param terminal    whether standard output is a terminal (colour, fitting tables to its width)
 */
public record Caller(String user, Map<String, String> environment, Path workingDir, InputStream stdin,
        boolean terminal) {

    /** A caller whose standard output is not a terminal (a pipe, a file, a test). */
    public Caller(String user, Map<String, String> environment, Path workingDir, InputStream stdin) {
        this(user, environment, workingDir, stdin, false);
    }

    public Caller {
        environment = Map.copyOf(environment);
        if (!workingDir.isAbsolute()) {
            throw new IllegalArgumentException("working directory must be absolute: " + workingDir);
        }
    }

    /**
     * Whether the console is a terminal. From JDK 22 a console may exist for redirected streams and
     * {@code Console.isTerminal()} tells; this code compiles for 21, where a console means a terminal.
     */
    private static boolean isTerminal(java.io.Console console) {
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** This process's user, environment, current directory and standard input. */
    public static Caller current() {
        java.io.Console console = System.console();
        return new Caller(System.getProperty("user.name"), System.getenv(), Path.of("").toAbsolutePath(), System.in,
                console != null && isTerminal(console));
    }
}
