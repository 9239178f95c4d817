package dev.rota.agent.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/** Sends signals by name with the {@code kill} program. Stateless and thread-safe. */
final class Signals {

    private static final Logger LOG = Logger.getLogger(Signals.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9+-]*|[0-9]{1,2}");
    private static final String KILL_PROGRAM = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";

    private Signals() {
    }

    /**
     * The signal name as {@code kill -s} takes it: upper case without {@code SIG}; "" becomes TERM.
     *
     * @throws IllegalArgumentException for anything that is not a plausible signal name or number
     */
    static String normalize(String signal) {
        String s = signal == null ? "" : signal.strip().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        if (s.isEmpty()) {
            return "TERM";
        }
        if (!NAME.matcher(s).matches()) {
            throw new IllegalArgumentException("not a signal name: '" + signal + "'");
        }
        return s;
    }

    /**
     * Sends {@code signal} to every process group in {@code groups} and every process in {@code pids}
     * in one {@code kill} run; targets that no longer exist are ignored. Blocks until kill returns.
     */
    static void send(String signal, Collection<Long> groups, Collection<Long> pids) {
        if (groups.isEmpty() && pids.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(KILL_PROGRAM, "-s", signal, "--"));
        groups.forEach(g -> cmd.add("-" + g));
        pids.forEach(p -> cmd.add(Long.toString(p)));
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warning("kill -s " + signal + " did not return within 5 s");
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot run " + KILL_PROGRAM, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
