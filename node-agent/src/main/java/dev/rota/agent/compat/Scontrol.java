package dev.rota.agent.compat;

import dev.rota.core.node.Hostlist;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code scontrol} inside a job, for what batch scripts use it for:
 *
 * <pre>scontrol show hostnames [HOSTLIST]</pre>
 *
 * prints every name of HOSTLIST (default {@code $SLURM_JOB_NODELIST}) on its own line, expanded by
 * {@link Hostlist}. Keywords are case-insensitive and may be shortened as scontrol allows
 * ({@code sho hostn}). Anything else is not supported by Rota: exit 1 with a message saying so.
 *
 * <p>Exit status: 0 success; 1 an invalid hostlist, no hostlist at all, or another subcommand.
 * {@link #main} is a thin wrapper around {@link #run}, which tests call in-process.
 */
public final class Scontrol {
    static final String USAGE = "usage: scontrol show hostnames [HOSTLIST]   (the only scontrol command Rota supports)";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param env the environment, for {@code SLURM_JOB_NODELIST}
     * @param out where the names go
     * @param err where errors go
     */
    public Scontrol(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = Map.copyOf(env);
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        int code = new Scontrol(System.getenv(), out, System.err).run(args);
        out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** Runs one command and returns its exit status. */
    public int run(String... args) {
        List<String> words = Arrays.asList(args);
        if (words.size() == 1 && (words.getFirst().equals("-h") || words.getFirst().equals("--help"))) {
            out.println(USAGE);
            return 0;
        }
        if (words.size() < 2 || !keyword(words.get(0), "show", 3) || !keyword(words.get(1), "hostnames", 5)) {
            err.println("scontrol: error: '" + String.join(" ", words) + "' is not supported by Rota");
            err.println(USAGE);
            return 1;
        }
        String hostlist = words.size() > 2 ? String.join(",", words.subList(2, words.size()))
                : env.getOrDefault("SLURM_JOB_NODELIST", "");
        if (hostlist.isBlank()) {
            err.println("scontrol: error: no hostlist given, and SLURM_JOB_NODELIST is not set (run it inside a job)");
            return 1;
        }
        List<String> names;
        try {
            names = Hostlist.expand(hostlist);
        } catch (IllegalArgumentException e) {
            err.println("scontrol: error: " + e.getMessage());
            return 1;
        }
        StringBuilder text = new StringBuilder();
        names.forEach(name -> text.append(name).append('\n'));
        out.print(text);
        return 0;
    }

    /** {@code word} is {@code keyword}, or a case-insensitive prefix of it at least {@code min} long. */
    private static boolean keyword(String word, String keyword, int min) {
        String w = word.toLowerCase(Locale.ROOT);
        return w.length() >= Math.min(min, keyword.length()) && keyword.startsWith(w);
    }
}
