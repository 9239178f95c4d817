package dev.rota.cli;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobPriority;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.ListJobsRequest;
import dev.rota.api.v1.ListPrioritiesRequest;
import dev.rota.cli.render.JobJson;
import dev.rota.cli.render.QueueView;
import dev.rota.cli.slurm.SlurmStates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code rota queue}: squeue. The filters go to the daemon (it sends only the matching jobs);
 * sorting and formatting happen here. {@code -h} is squeue's --noheader, so help is {@code --help}.
 */
@Command(name = "queue", sortOptions = false,
        description = {"List jobs, like squeue: pending and running ones unless --all, -t or -j asks for more.",
                "ST codes: PD pending, R running, CD completed, F failed, CA cancelled, TO timeout, NF node fail.",
                "Tables fit the terminal's width ($COLUMNS, else the terminal's); colour only on a terminal and "
                        + "never with NO_COLOR set."},
        footer = {"", "Format fields (--format, squeue's %%[.][WIDTH]LETTER; '.' aligns right, WIDTH cuts):",
                "  %%i job id      %%P partition   %%j name        %%u user        %%t state code",
                "  %%T state       %%M time used   %%l time limit  %%D nodes       %%R nodelist or (reason)",
                "  %%r reason      %%N nodelist    %%C CPUs        %%b GPUs/node   %%S start (or estimated start)",
                "  %%e end time    %%V submitted   %%a account     %%q QoS         %%Q priority",
                "Default: \"%%.i %%P %%j %%u %%t %%.M %%.D %%R\". Sort keys (--sort): the same letters, comma-separated,",
                "'-' before one for descending, e.g. --sort=-t,Q. Default: by job id."})
final class QueueCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Spec
    private CommandSpec spec;

    @Option(names = "--help", usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Option(names = {"-a", "--all"}, description = "Include finished jobs (those the daemon still holds).")
    private boolean all;

    @Option(names = "--me", description = "Only my jobs (same as -u $USER).")
    private boolean me;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", split = ",", description = "Only these users' jobs.")
    private List<String> users = new ArrayList<>();

    @Option(names = {"-A", "--account"}, paramLabel = "ACCOUNT", split = ",", description = "Only these accounts' jobs.")
    private List<String> accounts = new ArrayList<>();

    @Option(names = {"-p", "--partition"}, paramLabel = "PARTITION", split = ",",
            description = "Only jobs in these partitions.")
    private List<String> partitions = new ArrayList<>();

    @Option(names = {"-t", "--states"}, paramLabel = "STATE", split = ",", converter = StateConverter.class,
            description = "Only jobs in these states, names or codes: PENDING,R,CD,... "
                    + "Asking for a finished state includes finished jobs.")
    private List<JobState> states = new ArrayList<>();

    @Option(names = {"-j", "--jobs"}, paramLabel = "ID", split = ",", converter = JobIdConverter.class,
            description = "Only these jobs, whatever their state.")
    private List<Long> jobIds = new ArrayList<>();

    @Option(names = "--start", description = "Pending jobs with their estimated start (START_TIME), like "
            + "squeue --start: the latest start their backfill reservation promises, or N/A.")
    private boolean start;

    @Option(names = {"-o", "--format"}, paramLabel = "FORMAT", description = "squeue's output format (fields below).")
    private String format;

    @Option(names = {"-S", "--sort"}, paramLabel = "KEYS", description = "Sort by these field letters (below).")
    private String sort;

    @Option(names = {"-h", "--noheader"}, description = "No header line.")
    private boolean noHeader;

    @Option(names = "--json", description = "Print {\"jobs\": [...]} (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        QueueView.Context context = new QueueView.Context(rota.clock().instant(), rota.clock().getZone(), Map.of());
        QueueView view = view(context);
        if (sort != null) {
            try {
                QueueView.sort(List.of(), sort, context); // a bad key is a usage error before any call
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        List<JobState> wanted = states == null ? List.of() : states;
        ListJobsRequest.Builder request = ListJobsRequest.newBuilder()
                .addAllStates(wanted)
                .setIncludeFinished(all || wanted.stream().anyMatch(SlurmStates::isFinished))
                .addAllAccounts(accounts).addAllPartitions(partitions).addAllJobIds(jobIds);
        Set<String> who = new TreeSet<>(users);
        if (me) {
            who.add(rota.caller().user());
        }
        request.addAllUsers(who);
        List<Job> jobs = rota.daemon().jobs(request.build());
        if (start) {
            jobs = jobs.stream().filter(j -> j.getState() == JobState.JOB_STATE_PENDING).toList();
        }
        boolean wantsPriorities = view != null && view.needsPriorities() || sort != null && sort.contains("Q");
        if (wantsPriorities && !json) {
            Map<Long, Long> priorities = new TreeMap<>();
            for (JobPriority p : rota.daemon().priorities(ListPrioritiesRequest.getDefaultInstance()).getJobsList()) {
                priorities.put(p.getJobId(), p.getPriority());
            }
            context = new QueueView.Context(context.now(), context.zone(), priorities);
            view = view(context);
        }
        if (sort != null) {
            jobs = QueueView.sort(jobs, sort, context);
        }
        rota.out().print(json ? JobJson.list(jobs) : view.render(jobs, !noHeader, rota.terminal()));
        return missing(jobs);
    }

    private QueueView view(QueueView.Context context) {
        String chosen = format != null ? format : start ? QueueView.START_FORMAT : QueueView.DEFAULT_FORMAT;
        try {
            return QueueView.of(chosen, context);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * With -j and no other filter, names the jobs the daemon does not hold (squeue: "Invalid job id
     * specified"): exit 1, after listing the ones it does.
     */
    private int missing(List<Job> jobs) {
        if (jobIds.isEmpty() || !users.isEmpty() || me || !accounts.isEmpty() || !partitions.isEmpty()
                || !states.isEmpty() || start) {
            return 0;
        }
        Set<Long> found = new TreeSet<>();
        jobs.forEach(j -> found.add(j.getId()));
        List<String> unknown = jobIds.stream().distinct().filter(id -> !found.contains(id))
                .map(Long::toUnsignedString).toList();
        if (unknown.isEmpty()) {
            return 0;
        }
        spec.commandLine().getErr().println("rota: " + (unknown.size() == 1 ? "job " + unknown.getFirst()
                + " does not exist" : "jobs " + String.join(", ", unknown) + " do not exist")
                + " (or finished long ago: see rota history)");
        return 1;
    }

    /** A state by name or squeue code, in any case. */
    static final class StateConverter implements ITypeConverter<JobState> {
        @Override
        public JobState convert(String value) {
            return SlurmStates.parseJobState(value).orElseThrow(() -> new TypeConversionException(
                    "unknown job state '" + value + "' (use PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, "
                            + "TIMEOUT, NODE_FAIL or PD, R, CD, F, CA, TO, NF)"));
        }
    }

    /** A positive job id. */
    static final class JobIdConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                long id = Long.parseUnsignedLong(value.strip());
                if (id > 0) {
                    return id;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new TypeConversionException("'" + value + "' is not a job id (a positive number)");
        }
    }
}
