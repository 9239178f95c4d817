package dev.rota.cli.sbatch;

import dev.rota.cli.slurm.SlurmMemory;
import dev.rota.cli.slurm.BeginTime;
import dev.rota.core.job.ArrayIndexes;
import dev.rota.core.job.Dependency;
import dev.rota.core.job.WarnSignal;
import dev.rota.core.time.SlurmTime;
import java.time.Instant;
import java.time.ZoneId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A whole {@code rota submit}, read: the job it asks for, how to answer, and what is accepted without
 * being enforced. Built by {@link #assemble} from the directives of the script and the options of
 * the command line.
 *
 * @param name          {@code --job-name}; empty for the default (the script's name)
 * @param account       {@code --account}; empty for the caller's default
 * @param qos           {@code --qos}; empty for the cluster's default
 * @param partition     {@code --partition} (the first of a list); empty for the cluster's default
 * @param layout        nodes, tasks and GPUs per node
 * @param timeLimit     the limit to ask for: {@code --time}, 1 hour by default; "no limit" asks for
 *                      {@link #LONGEST_TIME_LIMIT}
 * @param output        the {@code --output} pattern for the daemon; empty for its default
 * @param error         the {@code --error} pattern for the daemon; empty to merge into the output
 * @param chdir         {@code --chdir} as written; empty for the current directory
 * @param export        which of the caller's variables the job gets
 * @param slurmVariables variables sbatch adds to a job's environment from its options
 *                      ({@code SLURM_CPUS_PER_TASK}, {@code SLURM_GPUS_PER_NODE}), sorted
 * @param requeue       {@code --requeue} (default) or {@code --no-requeue}
 * @param wrap          {@code --wrap} command; empty for a script
 * @param reply         how to answer
 * @param notEnforced   accepted options Rota does not act on yet, the last of each, in first-seen order
 * @param signal        {@code --signal}; empty for none
 * @param control       {@code --hold}, {@code --begin}, {@code --dependency}, {@code --array}
 */
public record BatchRequest(Optional<String> name, Optional<String> account, Optional<String> qos,
        Optional<String> partition,
        TaskLayout layout, Duration timeLimit, Optional<String> output, Optional<String> error,
        Optional<String> chdir, ExportRule export, Map<String, String> slurmVariables, boolean requeue,
        Optional<String> wrap, Reply reply, List<Setting> notEnforced, Optional<WarnSignal> signal,
        Control control) {

    /**
     * When the job may start and whether it is an array.
     *
     * @param hold       {@code --hold}
     * @param begin      {@code --begin}, resolved against the submission time
     * @param dependency {@code --dependency}, checked; {@link Dependency#NONE} when not given
     * @param array      {@code --array} indexes; empty when not an array
     * @param throttle   the {@code %N} of {@code --array}; 0 for no limit
     */
    public record Control(boolean hold, Optional<Instant> begin, Dependency dependency,
            Optional<ArrayIndexes> array, int throttle) {
        public static final Control NONE = new Control(false, Optional.empty(), Dependency.NONE, Optional.empty(), 0);
    }

    /** The default time limit when none is given. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofHours(1);
    /** What "no time limit" asks for: the longest limit the daemon accepts. */
    public static final Duration LONGEST_TIME_LIMIT = Duration.ofDays(365);

    private static final Set<SbatchOption> GPU_OPTIONS = EnumSet.of(SbatchOption.GPUS, SbatchOption.GPUS_PER_NODE,
            SbatchOption.GPUS_PER_TASK, SbatchOption.GRES);
    private static final Set<String> MAIL_TYPES = Set.of("NONE", "BEGIN", "END", "FAIL", "REQUEUE", "ALL",
            "INVALID_DEPEND", "STAGE_OUT", "TIME_LIMIT", "TIME_LIMIT_90", "TIME_LIMIT_80", "TIME_LIMIT_50",
            "ARRAY_TASKS");
    private static final Pattern SWITCHES = Pattern.compile("[0-9]+(?:@.+)?");

    public BatchRequest {
        slurmVariables = Collections.unmodifiableMap(new LinkedHashMap<>(slurmVariables));
        notEnforced = List.copyOf(notEnforced);
    }

    /**
     * How {@code rota submit} answers.
     *
     * @param parsable {@code --parsable}: the id alone
     * @param json     {@code --json}
     * @param testOnly {@code --test-only}: print the request, submit nothing
     * @param quiet    {@code --quiet}: no "Submitted batch job" line
     */
    public record Reply(boolean parsable, boolean json, boolean testOnly, boolean quiet) {}

    /**
     * The request, or the errors that stop it; with every warning and note either way.
     *
     * @param request     empty when there is at least one error
     * @param diagnostics errors, warnings and notes: command line first, then by script line
     */
    public record Assembly(Optional<BatchRequest> request, List<Diagnostic> diagnostics) {
        public Assembly {
            diagnostics = List.copyOf(diagnostics);
        }

        public boolean failed() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }
    }

    /**
     * Applies the directives, then the command line: for the same option the later one wins, so the
     * command line overrides the script. GPU requests are taken as a whole: when the command line
     * asks for GPUs in any form, the script's GPU directives are set aside (a note says so), so that
     * {@code --gpus-per-node 4} on the command line replaces a script's {@code --gres=gpu:8}.
     *
     * <p>Every value is checked where it is written, even one overridden later, as sbatch does.
     * Each option accepted without being enforced is warned about once.
     */
    public static Assembly assemble(List<Setting> directives, List<Setting> commandLine) {
        return assemble(directives, commandLine, Instant.now(), ZoneId.systemDefault());
    }

    /** As {@link #assemble(List, List)}, with {@code --begin} times resolved against {@code now} in {@code zone}. */
    public static Assembly assemble(List<Setting> directives, List<Setting> commandLine, Instant now, ZoneId zone) {
        Draft draft = new Draft(now, zone);
        boolean commandLineGpus = commandLine.stream().anyMatch(s -> GPU_OPTIONS.contains(s.option()));
        for (Setting setting : directives) {
            draft.apply(setting, commandLineGpus);
        }
        for (Setting setting : commandLine) {
            draft.apply(setting, false);
        }
        return draft.finish();
    }

    /**
     * Reads a whole submission: the directive block of {@code script}, then the command line over it.
     * Problems of the script itself (no {@code #!}, DOS line breaks, an unmatched quote, an invalid
     * directive) are diagnostics like any other.
     *
     * @param source      the script's name in messages ({@code train.sh}, {@code <stdin>})
     * @param script      the script's text
     * @param commandLine the options of the command line, already read
     */
    public static Assembly read(String source, String script, List<Setting> commandLine) {
        return read(source, script, commandLine, Instant.now(), ZoneId.systemDefault());
    }

    /** As {@link #read(String, String, List)}, with {@code --begin} times resolved against {@code now} in {@code zone}. */
    public static Assembly read(String source, String script, List<Setting> commandLine, Instant now, ZoneId zone) {
        DirectiveBlock block = DirectiveBlock.read(source, script);
        OptionReader.Reading directives = OptionReader.directives(block.words());
        Assembly assembled = assemble(directives.settings(), commandLine, now, zone);
        List<Diagnostic> all = new ArrayList<>(block.diagnostics());
        all.addAll(directives.diagnostics());
        all.addAll(assembled.diagnostics());
        all.sort((a, b) -> a.origin().compareTo(b.origin()));
        boolean failed = all.stream().anyMatch(Diagnostic::isError);
        return new Assembly(failed ? Optional.empty() : assembled.request(), all);
    }

    /** The mutable state of one assembly. Not shared. */
    private static final class Draft {
        final List<Diagnostic> diagnostics = new ArrayList<>();
        final Set<SbatchOption> warned = EnumSet.noneOf(SbatchOption.class);
        final Map<SbatchOption, Setting> notEnforced = new LinkedHashMap<>();
        final Map<GpuAsk.Form, TaskLayout.Given<GpuAsk>> gpus = new EnumMap<>(GpuAsk.Form.class);
        String name;
        String account;
        String qos;
        String partition;
        TaskLayout.Given<NodeCount> nodes;
        TaskLayout.Given<Integer> ntasks;
        TaskLayout.Given<Integer> ntasksPerNode;
        TaskLayout.Given<Integer> ntasksPerGpu;
        Duration time = DEFAULT_TIME_LIMIT;
        Setting unlimitedTime;
        String output;
        String error;
        String chdir;
        ExportRule export = ExportRule.ALL;
        boolean requeue = true;
        String wrap;
        boolean parsable;
        boolean json;
        boolean testOnly;
        boolean quiet;
        Integer cpusPerTask;
        WarnSignal signal;
        boolean hold;
        Instant begin;
        Dependency dependency = Dependency.NONE;
        ArrayIndexes array;
        int throttle;
        final Instant now;
        final ZoneId zone;

        Draft(Instant now, ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        void apply(Setting s, boolean setAsideGpus) {
            try {
                switch (s.option().handling()) {
                    case Handling.Applied applied -> applied(s, setAsideGpus);
                    case Handling.CommandLineOnly only -> commandLineOnly(s);
                    case Handling.NotEnforced ne -> notEnforced(s, ne);
                    case Handling.Refused refused -> error(s, s.display() + ": " + refused.reason());
                }
            } catch (IllegalArgumentException e) {
                error(s, e.getMessage());
            }
        }

        private void applied(Setting s, boolean setAsideGpus) {
            String v = s.value();
            switch (s.option()) {
                case ACCOUNT -> account = v.isEmpty() ? null : v;
                case QOS -> qos = v.isEmpty() ? null : v;
                case CHDIR -> chdir = v.isEmpty() ? null : v;
                case ERROR -> error = pattern(s);
                case OUTPUT -> output = pattern(s);
                case EXPORT -> export = ExportRule.parse(v);
                case GPUS, GPUS_PER_NODE, GPUS_PER_TASK, GRES -> gpu(s, setAsideGpus);
                case JOB_NAME -> {
                    if (v.isBlank()) {
                        throw new IllegalArgumentException("--job-name must not be empty");
                    }
                    name = v;
                }
                case NO_REQUEUE -> requeue = false;
                case REQUEUE -> requeue = true;
                case NODES -> nodes = new TaskLayout.Given<>(NodeCount.parse(v), s);
                case NTASKS -> ntasks = new TaskLayout.Given<>(Numbers.positive(v, s.option()), s);
                case NTASKS_PER_NODE -> ntasksPerNode = new TaskLayout.Given<>(Numbers.positive(v, s.option()), s);
                case NTASKS_PER_GPU -> ntasksPerGpu = new TaskLayout.Given<>(Numbers.positive(v, s.option()), s);
                case PARSABLE -> parsable = true;
                case SIGNAL -> signal = WarnSignal.parse(v);
                case QUIET -> quiet = true;
                case TEST_ONLY -> testOnly = true;
                case PARTITION -> partition(s);
                case TIME -> {
                    Optional<Duration> limit = SlurmTime.parseLimit(v, "--time value");
                    time = limit.orElse(LONGEST_TIME_LIMIT);
                    unlimitedTime = limit.isPresent() ? null : s;
                }
                case HOLD -> hold = true;
                case BEGIN -> begin = BeginTime.parse(v, now, zone);
                case DEPENDENCY -> {
                    try {
                        dependency = Dependency.parse(v);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("invalid --dependency value '" + v + "': " + e.getMessage());
                    }
                }
                case ARRAY -> array(v);
                case USE_MIN_NODES, VERBOSE, IGNORE_PBS -> {
                    // Accepted; nothing to do (see their help).
                }
                default -> throw new AssertionError("not an applied option: " + s.option());
            }
        }

        private void array(String v) {
            int percent = v.indexOf('%');
            String indexes = percent < 0 ? v : v.substring(0, percent);
            try {
                array = ArrayIndexes.parse(indexes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid --array value '" + v + "': " + e.getMessage());
            }
            throttle = 0;
            if (percent >= 0) {
                String max = v.substring(percent + 1);
                if (!max.matches("\\d{1,9}") || Integer.parseInt(max) < 1) {
                    throw new IllegalArgumentException("invalid --array value '" + v
                            + "': the limit after % must be a positive number");
                }
                throttle = Integer.parseInt(max);
            }
        }

        private void commandLineOnly(Setting s) {
            if (s.origin() instanceof Origin.ScriptLine) {
                error(s, s.option().display() + " is a rota submit option, not a directive; give it on the command line");
                return;
            }
            switch (s.option()) {
                case WRAP -> wrap = s.value();
                case JSON -> json = true;
                case ADDRESS, HELP, USAGE, VERSION -> {
                    // Acted on by the command before the script is read.
                }
                default -> throw new AssertionError("not a command-line option: " + s.option());
            }
        }

        private void notEnforced(Setting s, Handling.NotEnforced ne) {
            String v = s.value();
            switch (s.option()) {
                case CPUS_PER_TASK -> cpusPerTask = Numbers.positive(v, s.option());
                case CPUS_PER_GPU, MINCPUS, CORES_PER_SOCKET, SOCKETS_PER_NODE, THREADS_PER_CORE, NTASKS_PER_CORE,
                        NTASKS_PER_SOCKET -> Numbers.positive(v, s.option());
                case MEM, MEM_PER_CPU, MEM_PER_GPU, TMP -> SlurmMemory.parseBytes(v, s.option().display() + " value");
                case TIME_MIN -> SlurmTime.parseLimit(v, "--time-min value");
                case OPEN_MODE -> {
                    String mode = v.toLowerCase(Locale.ROOT);
                    if (mode.isEmpty() || !("append".startsWith(mode) || "truncate".startsWith(mode))) {
                        throw new IllegalArgumentException("invalid --open-mode value '" + v + "' (use append or truncate)");
                    }
                }
                case EXCLUSIVE -> {
                    if (v != null && !Set.of("user", "mcs", "topo").contains(v)) {
                        throw new IllegalArgumentException("invalid --exclusive value '" + v + "' (use user, mcs or topo)");
                    }
                }
                case MAIL_TYPE -> {
                    for (String type : v.split(",", -1)) {
                        if (!MAIL_TYPES.contains(type.toUpperCase(Locale.ROOT))) {
                            throw new IllegalArgumentException("invalid --mail-type value '" + v + "': '" + type
                                    + "' is not a mail type (use NONE, BEGIN, END, FAIL, REQUEUE, ALL, ...)");
                        }
                    }
                }
                case SWITCHES -> {
                    if (!SWITCHES.matcher(v).matches()) {
                        throw new IllegalArgumentException("invalid --switches value '" + v + "' (use COUNT[@TIME])");
                    }
                }
                case WAIT_ALL_NODES -> {
                    if (!v.equals("0") && !v.equals("1")) {
                        throw new IllegalArgumentException("invalid --wait-all-nodes value '" + v + "' (use 0 or 1)");
                    }
                }
                default -> {
                    // Any value is taken as written.
                }
            }
            notEnforced.put(s.option(), s);
            if (warned.add(s.option())) {
                String what = s.option() == SbatchOption.MAIL_TYPE || s.option() == SbatchOption.MAIL_USER
                        ? s.option().display() + " is accepted, but " + ne.consequence()
                        : s.option().display() + " is accepted but not enforced yet: " + ne.consequence();
                diagnostics.add(Diagnostic.warning(s.origin(), what));
            }
        }

        private void gpu(Setting s, boolean setAside) {
            Optional<GpuAsk> ask = switch (s.option()) {
                case GRES -> GpuAsk.parseGres(s.value());
                case GPUS -> Optional.of(GpuAsk.parse(GpuAsk.Form.TOTAL, s.value()));
                case GPUS_PER_NODE -> Optional.of(GpuAsk.parse(GpuAsk.Form.PER_NODE, s.value()));
                case GPUS_PER_TASK -> Optional.of(GpuAsk.parse(GpuAsk.Form.PER_TASK, s.value()));
                default -> throw new AssertionError(s.option());
            };
            if (setAside) {
                diagnostics.add(Diagnostic.note(s.origin(), s.display()
                        + " is set aside: the command line asks for GPUs"));
                return;
            }
            if (ask.isEmpty()) {
                gpus.remove(GpuAsk.Form.GRES);
                return;
            }
            gpus.put(ask.get().form(), new TaskLayout.Given<>(ask.get(), s));
        }

        private void partition(Setting s) {
            List<String> names = List.of(s.value().split(",")).stream().filter(p -> !p.isBlank()).toList();
            if (names.isEmpty()) {
                partition = null;
                return;
            }
            partition = names.getFirst();
            if (names.size() > 1) {
                diagnostics.add(Diagnostic.warning(s.origin(), s.display() + ": Rota runs a job in one partition; "
                        + "it uses '" + partition + "', the first"));
            }
        }

        private String pattern(Setting s) {
            OutputPattern pattern = OutputPattern.translate(s.value(), s.option().display());
            pattern.warnings().forEach(w -> diagnostics.add(Diagnostic.warning(s.origin(), w)));
            return pattern.pattern().isEmpty() ? null : pattern.pattern();
        }

        private void error(Setting s, String message) {
            diagnostics.add(Diagnostic.error(s.origin(), message));
        }

        Assembly finish() {
            if (unlimitedTime != null) {
                diagnostics.add(Diagnostic.warning(unlimitedTime.origin(), unlimitedTime.display()
                        + ": Rota has no jobs without a time limit yet; the job gets the longest it allows, "
                        + SlurmTime.format(LONGEST_TIME_LIMIT)));
            }
            List<TaskLayout.Given<GpuAsk>> asked = new ArrayList<>(gpus.values());
            asked.sort((a, b) -> a.setting().origin().compareTo(b.setting().origin()));
            TaskLayout.Resolution resolution = TaskLayout.resolve(
                    new TaskLayout.Asked(nodes, ntasks, ntasksPerNode, ntasksPerGpu, asked));
            diagnostics.addAll(resolution.diagnostics());
            resolution.layout().flatMap(TaskLayout::gpuType).ifPresent(type -> {
                Setting typed = asked.stream().filter(g -> g.value().type().isPresent()).findFirst().orElseThrow()
                        .setting();
                diagnostics.add(Diagnostic.warning(typed.origin(), typed.display() + ": GPU types are not matched "
                        + "against node GPU models yet; any GPU will do"));
            });
            List<Diagnostic> sorted = new ArrayList<>(diagnostics);
            sorted.sort((a, b) -> a.origin().compareTo(b.origin()));
            if (sorted.stream().anyMatch(Diagnostic::isError) || resolution.layout().isEmpty()) {
                return new Assembly(Optional.empty(), sorted);
            }
            TaskLayout layout = resolution.layout().get();
            Map<String, String> slurm = new TreeMap<>();
            if (cpusPerTask != null) {
                slurm.put("SLURM_CPUS_PER_TASK", Integer.toString(cpusPerTask));
            }
            if (layout.gpusPerNode() > 0) {
                slurm.put("SLURM_GPUS_PER_NODE", Integer.toString(layout.gpusPerNode()));
            }
            BatchRequest request = new BatchRequest(Optional.ofNullable(name), Optional.ofNullable(account),
                    Optional.ofNullable(qos),
                    Optional.ofNullable(partition), layout, time, Optional.ofNullable(output),
                    Optional.ofNullable(error), Optional.ofNullable(chdir), export, slurm, requeue,
                    Optional.ofNullable(wrap), new Reply(parsable, json, testOnly, quiet),
                    List.copyOf(notEnforced.values()), Optional.ofNullable(signal), new Control(hold, Optional.ofNullable(begin), dependency,
                            Optional.ofNullable(array), throttle));
            return new Assembly(Optional.of(request), sorted);
        }
    }
}
