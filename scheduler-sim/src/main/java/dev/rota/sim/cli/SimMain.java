package dev.rota.sim.cli;

import dev.rota.core.policy.Policy;
import dev.rota.core.policy.PolicyFile;
import dev.rota.sim.cluster.ClusterShape;
import dev.rota.sim.report.Comparison;
import dev.rota.sim.report.PolicyStats;
import dev.rota.sim.report.SvgPlots;
import dev.rota.sim.run.RunResult;
import dev.rota.sim.run.SimPolicy;
import dev.rota.sim.run.Simulation;
import dev.rota.sim.trace.SyntheticTrace;
import dev.rota.sim.trace.TimeLimits;
import dev.rota.sim.trace.Trace;
import dev.rota.sim.trace.TraceFormatException;
import dev.rota.sim.trace.TraceReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code rota-sim}: replays a trace through the scheduler engine under several policies and writes
 * the comparison (docs/simulator.md). Exit status: 0 done, 1 the run failed (unreadable or bad
 * trace, cannot write), 2 usage error.
 */
public final class SimMain {
    static final String USAGE = """
            usage: rota-sim --trace SPEC --out DIR [options]
              --trace SPEC        philly:PATH (the Philly job table), csv:PATH (generic format) or
                                  synthetic[:jobs=N,rate=R,maxgpus=G,tail=T,median=S,sigma=X,accounts=A]
              --vcs PATH|none     Philly VC list (vc,node num): keeps those VCs, shares = nodes
                                  (default: philly_vc_nodes.csv beside the job table, if present)
              --cluster SHAPE     NODESxGPUS[,leaf=NODES] (default 80x8,leaf=8)
              --policies LIST     comma-separated, from fifo, easy, rota, sjf-oracle (default: all)
              --from TIME         first submit time kept (YYYY-MM-DD[ HH:MM:SS], UTC; inclusive)
              --to TIME           last: a date keeps its whole day; a time is exclusive
              --seed N            seeds the time-limit draws and synthetic traces (default 1)
              --limit-factor LO..HI  assumed limit = duration x U[LO,HI] (default 1..3)
              --no-limit-rounding keep assumed limits to the second (default: round up to 15 min / 1 h)
              --policy-file PATH  a rotad policy file for the rota policy (default: trace accounts)
              --out DIR           where results.json, summary.md, *.svg and <policy>/decisions.log go
              --json              print results.json to stdout instead of the summary
            """;

    private SimMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Usage problems. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (UsageException e) {
            err.println("rota-sim: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (opts.containsKey("help")) {
            out.print(USAGE);
            return 0;
        }
        Settings s;
        try {
            s = settings(opts);
        } catch (UsageException | IllegalArgumentException e) {
            err.println("rota-sim: " + e.getMessage());
            return 2;
        }
        try {
            Trace trace = load(s);
            Policy rotaPolicy = null;
            if (s.policyFile != null) {
                rotaPolicy = PolicyFile.parse(Files.readString(s.policyFile), s.policyFile.toString());
            }
            List<SimPolicy> policies = new ArrayList<>();
            for (String name : s.policies) {
                policies.add(SimPolicy.named(name, trace, rotaPolicy));
            }
            Files.createDirectories(s.out);
            List<Comparison.Entry> entries = new ArrayList<>();
            for (SimPolicy p : policies) {
                Path dir = s.out.resolve(p.name());
                Files.createDirectories(dir);
                Path log = dir.resolve("decisions.log");
                Path tmp = dir.resolve("decisions.log.tmp");
                RunResult r;
                try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    r = new Simulation(trace, s.cluster, p, w).run();
                }
                Files.move(tmp, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                PolicyStats stats = PolicyStats.of(r, trace.accounts());
                err.printf(Locale.ROOT, "rota-sim: %s: %d jobs, %d engine steps, %.1f s wall%n", p.name(),
                        trace.jobs().size(), r.steps(), r.wallNanos() / 1e9);
                entries.add(new Comparison.Entry(p, r, stats));
            }
            Comparison c = new Comparison(trace.name(), trace.jobs().size(), s.cluster, s.seed, s.window,
                    s.limits.toString(), entries);
            String json = c.json();
            write(s.out.resolve("results.json"), json);
            String md = c.markdown();
            write(s.out.resolve("summary.md"), md);
            write(s.out.resolve("jct-cdf.svg"), SvgPlots.jctCdf(entries));
            List<String> names = entries.stream().map(e -> e.policy().name()).toList();
            write(s.out.resolve("utilisation.svg"), SvgPlots.hourly("GPU allocation over time (hourly mean)",
                    "allocated GPUs of " + s.cluster.totalGpus(), names,
                    entries.stream().map(e -> e.run().hourlyAllocatedGpus()).toList()));
            write(s.out.resolve("queue.svg"), SvgPlots.hourly("Queue length over time (hourly mean)",
                    "pending jobs", names, entries.stream().map(e -> e.run().hourlyPendingJobs()).toList()));
            out.print(opts.containsKey("json") ? json : md);
            return 0;
        } catch (TraceFormatException e) {
            err.println("rota-sim: " + e.getMessage());
            return 1;
        } catch (PolicyFile.InvalidPolicyException e) {
            err.println("rota-sim: invalid policy file:\n" + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("rota-sim: " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            err.println("rota-sim: " + e.getMessage());
            return 1;
        }
    }

    /** Writes {@code text} to a temporary file beside {@code path}, then moves it in place. */
    private static void write(Path path, String text) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private record Settings(String traceSpec, String vcs, ClusterShape cluster, List<String> policies, Instant from,
            Instant to, long seed, TimeLimits limits, Path policyFile, Path out, String window) {
    }

    private static final List<String> FLAGS = List.of("json", "help", "no-limit-rounding");
    private static final List<String> VALUED = List.of("trace", "vcs", "cluster", "policies", "from", "to", "seed",
            "limit-factor", "policy-file", "out");

    static Map<String, String> parse(String[] args) throws UsageException {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h")) {
                a = "--help";
            }
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (FLAGS.contains(key)) {
                if (value != null) {
                    throw new UsageException("--" + key + " takes no value");
                }
                opts.put(key, "");
            } else if (VALUED.contains(key)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + key + " needs a value");
                    }
                    value = args[++i];
                }
                opts.put(key, value);
            } else {
                throw new UsageException("unknown option --" + key);
            }
        }
        return opts;
    }

    private static Settings settings(Map<String, String> o) throws UsageException {
        if (!o.containsKey("trace")) {
            throw new UsageException("--trace is required");
        }
        if (!o.containsKey("out")) {
            throw new UsageException("--out is required");
        }
        String spec = o.get("trace");
        if (!spec.startsWith("philly:") && !spec.startsWith("csv:") && !spec.equals("synthetic")
                && !spec.startsWith("synthetic:")) {
            throw new UsageException("--trace must start with philly:, csv: or synthetic, got '" + spec + "'");
        }
        if (spec.startsWith("synthetic:")) {
            SyntheticTrace.parse(spec.substring("synthetic:".length())); // option errors are usage errors
        }
        List<String> policies = new ArrayList<>();
        for (String p : o.getOrDefault("policies", String.join(",", SimPolicy.NAMES)).split(",")) {
            String name = p.strip();
            if (!SimPolicy.NAMES.contains(name)) {
                throw new UsageException("unknown policy '" + name + "' (known: " + String.join(", ", SimPolicy.NAMES) + ")");
            }
            if (!policies.contains(name)) {
                policies.add(name);
            }
        }
        long seed;
        try {
            seed = Long.parseLong(o.getOrDefault("seed", "1"));
        } catch (NumberFormatException e) {
            throw new UsageException("--seed must be a whole number, got '" + o.get("seed") + "'");
        }
        Instant from = o.containsKey("from") ? time(o.get("from"), false) : null;
        Instant to = o.containsKey("to") ? time(o.get("to"), true) : null;
        if (from != null && to != null && !to.isAfter(from)) {
            throw new UsageException("--to must be after --from");
        }
        String window = (from == null ? "start" : from.toString()) + " .. " + (to == null ? "end" : to + " (exclusive)");
        return new Settings(o.get("trace"), o.get("vcs"), ClusterShape.parse(o.getOrDefault("cluster", "80x8,leaf=8")),
                policies, from, to, seed, TimeLimits.parseFactors(o.getOrDefault("limit-factor", "1..3"),
                        !o.containsKey("no-limit-rounding")),
                o.containsKey("policy-file") ? Path.of(o.get("policy-file")) : null, Path.of(o.get("out")), window);
    }

    /** A date (start of day; with {@code endOfDay}, the start of the next day) or a date and time. */
    static Instant time(String text, boolean endOfDay) throws UsageException {
        String t = text.strip();
        try {
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate d = LocalDate.parse(t);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            if (t.endsWith("Z")) {
                return Instant.parse(t);
            }
            return LocalDateTime.parse(t.replace(' ', 'T'), DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new UsageException("'" + text + "' is not a date (YYYY-MM-DD) or time (YYYY-MM-DD HH:MM:SS)");
        }
    }

    private static Trace load(Settings s) throws IOException, TraceFormatException {
        String spec = s.traceSpec;
        Trace trace;
        if (spec.startsWith("philly:")) {
            Path jobs = Path.of(spec.substring("philly:".length()));
            Path vcs = null;
            if (s.vcs == null) {
                Path beside = jobs.toAbsolutePath().resolveSibling("philly_vc_nodes.csv");
                vcs = Files.exists(beside) ? beside : null;
            } else if (!s.vcs.equals("none")) {
                vcs = Path.of(s.vcs);
            }
            trace = TraceReader.philly(jobs, vcs);
        } else if (spec.startsWith("csv:")) {
            trace = TraceReader.generic(Path.of(spec.substring("csv:".length())));
        } else if (spec.equals("synthetic") || spec.startsWith("synthetic:")) {
            trace = SyntheticTrace.parse(spec.equals("synthetic") ? "" : spec.substring("synthetic:".length()))
                    .generate(s.seed);
        } else {
            throw new IllegalArgumentException("--trace must start with philly:, csv: or synthetic, got '" + spec + "'");
        }
        trace = trace.window(s.from, s.to, null);
        return trace.withJobs(s.limits.apply(trace.jobs(), s.seed));
    }
}
