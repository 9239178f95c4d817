package dev.rota.cli.sbatch;

import static dev.rota.cli.sbatch.SbatchOption.Argument.NONE;
import static dev.rota.cli.sbatch.SbatchOption.Argument.OPTIONAL;
import static dev.rota.cli.sbatch.SbatchOption.Argument.REQUIRED;

import java.util.List;

/**
 * Every option {@code rota submit} knows: sbatch's own (Slurm 23.x), the pyxis container options real
 * scripts carry, and Rota's few additions ({@code --json}, {@code --address}). Each has its long
 * names (the first is canonical, the others aliases), its short letter, whether it takes a value,
 * and its {@link Handling}. Anything else is an unrecognized option, as in sbatch.
 */
public enum SbatchOption {
    // Applied: Rota does what they ask.
    ACCOUNT(List.of("account"), 'A', REQUIRED, Handling.APPLIED, "ACCOUNT", "Account to charge (default: yours)."),
    CHDIR(List.of("chdir"), 'D', REQUIRED, Handling.APPLIED, "DIR",
            "Directory the script starts in (default: the current directory)."),
    ERROR(List.of("error"), 'e', REQUIRED, Handling.APPLIED, "PATTERN", "Error file, same patterns (default: the output file)."),
    EXPORT(List.of("export"), (char) 0, REQUIRED, Handling.APPLIED, "ALL|NONE|[ALL,]VAR[=VALUE],...",
            "Variables the job gets from your environment (default: ALL)."),
    GPUS(List.of("gpus"), 'G', REQUIRED, Handling.APPLIED, "[TYPE:]N", "GPUs for the whole job, spread evenly over its nodes."),
    GPUS_PER_NODE(List.of("gpus-per-node"), (char) 0, REQUIRED, Handling.APPLIED, "[TYPE:]N", "GPUs on each node."),
    GPUS_PER_TASK(List.of("gpus-per-task"), (char) 0, REQUIRED, Handling.APPLIED, "[TYPE:]N", "GPUs for each task."),
    GRES(List.of("gres"), (char) 0, REQUIRED, Handling.APPLIED, "gpu[:TYPE][:N]", "GPUs on each node, gres style."),
    JOB_NAME(List.of("job-name"), 'J', REQUIRED, Handling.APPLIED, "NAME",
            "Job name (default: the script's file name, 'stdin' or 'wrap')."),
    NO_REQUEUE(List.of("no-requeue"), (char) 0, NONE, Handling.APPLIED, null,
            "End the job NODE_FAIL when a node it runs on fails, instead of requeueing it."),
    NODES(List.of("nodes"), 'N', REQUIRED, Handling.APPLIED, "N[-MAX]", "Nodes to allocate (default: 1; with MIN-MAX, MIN)."),
    NTASKS(List.of("ntasks"), 'n', REQUIRED, Handling.APPLIED, "N", "Tasks in all, spread evenly over the nodes."),
    NTASKS_PER_GPU(List.of("ntasks-per-gpu"), (char) 0, REQUIRED, Handling.APPLIED, "N", "Tasks for each GPU of a node."),
    NTASKS_PER_NODE(List.of("ntasks-per-node", "tasks-per-node"), (char) 0, REQUIRED, Handling.APPLIED, "N",
            "Tasks srun starts on each node (default: 1)."),
    OUTPUT(List.of("output"), 'o', REQUIRED, Handling.APPLIED, "PATTERN",
            "Output file: %j job id, %x job name, %u user, %% a percent sign (default: rota-%j.out)."),
    PARSABLE(List.of("parsable"), (char) 0, NONE, Handling.APPLIED, null, "Print only the job id."),
    PARTITION(List.of("partition"), 'p', REQUIRED, Handling.APPLIED, "PARTITION", "Partition (default: the cluster's)."),
    QUIET(List.of("quiet"), 'Q', NONE, Handling.APPLIED, null, "Do not print 'Submitted batch job'."),
    REQUEUE(List.of("requeue"), (char) 0, NONE, Handling.APPLIED, null,
            "Requeue the job (same id) when a node it runs on fails (the default)."),
    SIGNAL(List.of("signal"), (char) 0, REQUIRED, Handling.APPLIED, "[B:]SIG[@SECS]",
            "Send SIG SECS (default 60) before the time limit; B: only to the batch shell."),
    TEST_ONLY(List.of("test-only"), (char) 0, NONE, Handling.APPLIED, null, "Print the parsed request; submit nothing."),
    TIME(List.of("time"), 't', REQUIRED, Handling.APPLIED, "TIME",
            "Time limit: M, M:S, H:M:S, D-H, D-H:M or D-H:M:S (default: 1:00:00)."),
    USE_MIN_NODES(List.of("use-min-nodes"), (char) 0, NONE, Handling.APPLIED, null, "Rota always uses the minimum."),
    VERBOSE(List.of("verbose"), 'v', NONE, Handling.APPLIED, null, "Accepted; prints nothing more yet."),
    IGNORE_PBS(List.of("ignore-pbs"), (char) 0, NONE, Handling.APPLIED, null, "Accepted; Rota never reads #PBS lines."),
    ARRAY(List.of("array"), 'a', REQUIRED, Handling.APPLIED, "A-B[:STEP],...[%MAX]",
            "A job array: one task per index, at most MAX running at once."),
    DEPENDENCY(List.of("dependency"), 'd', REQUIRED, Handling.APPLIED, "TYPE:JOB[:JOB...][,|?...]",
            "Start after other jobs: after, afterany, afterok, afternotok (JOB or JOB_TASK), or singleton."),
    HOLD(List.of("hold"), 'H', NONE, Handling.APPLIED, null, "Queue the job held (JobHeldUser) until 'rota release'."),
    BEGIN(List.of("begin"), 'b', REQUIRED, Handling.APPLIED, "TIME",
            "Start no earlier than TIME: now+N[minutes|hours|days], HH:MM[:SS], YYYY-MM-DD[THH:MM[:SS]], "
                    + "midnight, noon, teatime, tomorrow."),

    // On the command line only.
    WRAP(List.of("wrap"), (char) 0, REQUIRED, Handling.COMMAND_LINE_ONLY, "CMD",
            "Submit CMD wrapped in a bash script instead of SCRIPT."),
    JSON(List.of("json"), (char) 0, NONE, Handling.COMMAND_LINE_ONLY, null,
            "Print {\"job_id\": ID} (see docs/cli-json.md)."),
    // rota's global option, listed by rota's own help; read here when it follows an sbatch option.
    ADDRESS(List.of("address"), (char) 0, REQUIRED, Handling.COMMAND_LINE_ONLY),
    HELP(List.of("help"), 'h', NONE, Handling.COMMAND_LINE_ONLY, null, "Show this help and exit."),
    USAGE(List.of("usage"), (char) 0, NONE, Handling.COMMAND_LINE_ONLY, null, "Show this help and exit."),
    VERSION(List.of("version"), 'V', NONE, Handling.COMMAND_LINE_ONLY, null, "Print the version and exit."),

    // Accepted with a warning: checked, not acted on yet.
    ACCTG_FREQ(List.of("acctg-freq"), (char) 0, REQUIRED, notEnforced("no accounting samples are taken")),
    BATCH(List.of("batch"), (char) 0, REQUIRED, notEnforced("the batch host is the first allocated node")),
    COMMENT(List.of("comment"), (char) 0, REQUIRED, notEnforced("the comment is not recorded")),
    CONSTRAINT(List.of("constraint"), 'C', REQUIRED, notEnforced("nodes are not chosen by feature")),
    CONTIGUOUS(List.of("contiguous"), (char) 0, NONE, notEnforced("nodes are not chosen by position")),
    CORE_SPEC(List.of("core-spec"), 'S', REQUIRED, notEnforced("no cores are reserved")),
    CORES_PER_SOCKET(List.of("cores-per-socket"), (char) 0, REQUIRED, notEnforced("nodes are not chosen by CPU layout")),
    CPU_FREQ(List.of("cpu-freq"), (char) 0, REQUIRED, notEnforced("CPU frequencies are not set")),
    CPUS_PER_GPU(List.of("cpus-per-gpu"), (char) 0, REQUIRED, notEnforced("tasks are not limited to CPUs")),
    CPUS_PER_TASK(List.of("cpus-per-task"), 'c', REQUIRED,
            notEnforced("tasks are not limited to CPUs; the job sees SLURM_CPUS_PER_TASK")),
    DEADLINE(List.of("deadline"), (char) 0, REQUIRED, notEnforced("the job is not removed at the deadline")),
    DELAY_BOOT(List.of("delay-boot"), (char) 0, REQUIRED, notEnforced("Rota never reboots nodes")),
    DISTRIBUTION(List.of("distribution"), 'm', REQUIRED, notEnforced("tasks are numbered node by node (block)")),
    EXCLUDE(List.of("exclude"), 'x', REQUIRED, notEnforced("no node is excluded")),
    EXCLUSIVE(List.of("exclusive"), (char) 0, OPTIONAL,
            notEnforced("other jobs may share the nodes' CPUs and memory (GPUs are never shared)")),
    EXTRA(List.of("extra"), (char) 0, REQUIRED, notEnforced("nodes are not chosen by it")),
    EXTRA_NODE_INFO(List.of("extra-node-info"), 'B', REQUIRED, notEnforced("nodes are not chosen by CPU layout")),
    GET_USER_ENV(List.of("get-user-env"), (char) 0, OPTIONAL, notEnforced("the job gets the environment rota submit runs in")),
    GPU_BIND(List.of("gpu-bind"), (char) 0, REQUIRED, notEnforced("each task sees all its node's GPUs of the job")),
    GPU_FREQ(List.of("gpu-freq"), (char) 0, REQUIRED, notEnforced("GPU frequencies are not set")),
    GRES_FLAGS(List.of("gres-flags"), (char) 0, REQUIRED, notEnforced("GPUs are not chosen by CPU affinity")),
    HINT(List.of("hint"), (char) 0, REQUIRED, notEnforced("tasks are not bound to CPUs")),
    KILL_ON_INVALID_DEP(List.of("kill-on-invalid-dep"), (char) 0, REQUIRED,
            notEnforced("the daemon decides (rotad --cancel-unsatisfiable-dependencies); otherwise the job waits "
                    + "with reason DependencyNeverSatisfied")),
    LICENSES(List.of("licenses"), 'L', REQUIRED, notEnforced("licenses are not counted")),
    MAIL_TYPE(List.of("mail-type"), (char) 0, REQUIRED, new Handling.NotEnforced("mail is not sent")),
    MAIL_USER(List.of("mail-user"), (char) 0, REQUIRED, new Handling.NotEnforced("mail is not sent")),
    MCS_LABEL(List.of("mcs-label"), (char) 0, REQUIRED, notEnforced("there are no MCS labels")),
    MEM(List.of("mem"), (char) 0, REQUIRED, notEnforced("no memory limit is applied, and nodes are not chosen by memory")),
    MEM_BIND(List.of("mem-bind"), (char) 0, REQUIRED, notEnforced("memory is not bound")),
    MEM_PER_CPU(List.of("mem-per-cpu"), (char) 0, REQUIRED, notEnforced("no memory limit is applied")),
    MEM_PER_GPU(List.of("mem-per-gpu"), (char) 0, REQUIRED, notEnforced("no memory limit is applied")),
    MINCPUS(List.of("mincpus"), (char) 0, REQUIRED, notEnforced("nodes are not chosen by CPU count")),
    NETWORK(List.of("network"), (char) 0, REQUIRED, notEnforced("no network is set up")),
    NICE(List.of("nice"), (char) 0, OPTIONAL, notEnforced("jobs start in submission order")),
    NO_KILL(List.of("no-kill"), 'k', OPTIONAL, notEnforced("a failed node ends or requeues the job")),
    NODEFILE(List.of("nodefile"), 'F', REQUIRED, notEnforced("nodes are not chosen by name")),
    NODELIST(List.of("nodelist"), 'w', REQUIRED, notEnforced("nodes are not chosen by name")),
    NTASKS_PER_CORE(List.of("ntasks-per-core"), (char) 0, REQUIRED, notEnforced("tasks are not bound to cores")),
    NTASKS_PER_SOCKET(List.of("ntasks-per-socket"), (char) 0, REQUIRED, notEnforced("tasks are not bound to sockets")),
    OOM_KILL_STEP(List.of("oom-kill-step"), (char) 0, OPTIONAL, notEnforced("no memory limit is applied")),
    OPEN_MODE(List.of("open-mode"), (char) 0, REQUIRED, notEnforced("output files are truncated when the job starts")),
    OVERCOMMIT(List.of("overcommit"), 'O', NONE, notEnforced("CPUs are not counted")),
    OVERSUBSCRIBE(List.of("oversubscribe"), 's', NONE, notEnforced("CPUs and memory are not counted")),
    POWER(List.of("power"), (char) 0, REQUIRED, notEnforced("no power plugin")),
    PREFER(List.of("prefer"), (char) 0, REQUIRED, notEnforced("nodes are not chosen by feature")),
    PRIORITY(List.of("priority"), (char) 0, REQUIRED, notEnforced("jobs start in submission order")),
    PROFILE(List.of("profile"), (char) 0, REQUIRED, notEnforced("nothing is profiled")),
    PROPAGATE(List.of("propagate"), (char) 0, OPTIONAL, notEnforced("resource limits are the agent's")),
    QOS(List.of("qos"), 'q', REQUIRED, Handling.APPLIED, "QOS", "Quality of service (default: the cluster's)."),
    REBOOT(List.of("reboot"), (char) 0, NONE, notEnforced("Rota never reboots nodes")),
    RESERVATION(List.of("reservation"), (char) 0, REQUIRED, notEnforced("there are no reservations; any node may run it")),
    RESV_PORTS(List.of("resv-ports"), (char) 0, OPTIONAL, notEnforced("no ports are reserved (MASTER_PORT is set)")),
    SEGMENT(List.of("segment"), (char) 0, REQUIRED, notEnforced("nodes are not chosen by topology")),
    SOCKETS_PER_NODE(List.of("sockets-per-node"), (char) 0, REQUIRED, notEnforced("nodes are not chosen by CPU layout")),
    SPREAD_JOB(List.of("spread-job"), (char) 0, NONE, notEnforced("nodes are not chosen by spread")),
    STEPMGR(List.of("stepmgr"), (char) 0, NONE, notEnforced("steps are run by the agents")),
    SWITCHES(List.of("switches"), (char) 0, REQUIRED, notEnforced("nodes are not chosen by switch")),
    THREAD_SPEC(List.of("thread-spec"), (char) 0, REQUIRED, notEnforced("no threads are reserved")),
    THREADS_PER_CORE(List.of("threads-per-core"), (char) 0, REQUIRED, notEnforced("nodes are not chosen by CPU layout")),
    TIME_MIN(List.of("time-min"), (char) 0, REQUIRED, notEnforced("the job always gets its whole --time")),
    TMP(List.of("tmp"), (char) 0, REQUIRED, notEnforced("nodes are not chosen by disk space")),
    WAIT_ALL_NODES(List.of("wait-all-nodes"), (char) 0, REQUIRED, notEnforced("the script starts once every node is allocated")),
    WCKEY(List.of("wckey"), (char) 0, REQUIRED, notEnforced("there are no workload keys")),

    // Refused: running the job without them would be wrong.
    WAIT(List.of("wait"), 'W', NONE, refused("waiting for the job is not supported yet; poll 'rota show JOB' instead")),
    BB(List.of("bb"), (char) 0, REQUIRED, refused("burst buffers are not supported")),
    BBF(List.of("bbf"), (char) 0, REQUIRED, refused("burst buffers are not supported")),
    CLUSTERS(List.of("clusters"), 'M', REQUIRED, refused("a Rota daemon runs one cluster; use --address to pick it")),
    CLUSTER_CONSTRAINT(List.of("cluster-constraint"), (char) 0, REQUIRED, refused("federations are not supported")),
    CONTAINER(List.of("container"), (char) 0, REQUIRED, containersRefused()),
    CONTAINER_ID(List.of("container-id"), (char) 0, REQUIRED, containersRefused()),
    CONTAINER_IMAGE(List.of("container-image"), (char) 0, REQUIRED, containersRefused()),
    CONTAINER_MOUNTS(List.of("container-mounts"), (char) 0, REQUIRED, containersRefused()),
    CONTAINER_WORKDIR(List.of("container-workdir"), (char) 0, REQUIRED, containersRefused()),
    CONTAINER_NAME(List.of("container-name"), (char) 0, REQUIRED, containersRefused()),
    CONTAINER_SAVE(List.of("container-save"), (char) 0, REQUIRED, containersRefused()),
    CONTAINER_ENV(List.of("container-env"), (char) 0, REQUIRED, containersRefused()),
    CONTAINER_MOUNT_HOME(List.of("container-mount-home", "no-container-mount-home"), (char) 0, NONE, containersRefused()),
    CONTAINER_REMAP_ROOT(List.of("container-remap-root", "no-container-remap-root"), (char) 0, NONE, containersRefused()),
    CONTAINER_ENTRYPOINT(List.of("container-entrypoint", "no-container-entrypoint"), (char) 0, NONE, containersRefused()),
    CONTAINER_WRITABLE(List.of("container-writable", "container-readonly"), (char) 0, NONE, containersRefused()),
    EXPORT_FILE(List.of("export-file"), (char) 0, REQUIRED, refused("use --export instead")),
    GID(List.of("gid"), (char) 0, REQUIRED, refused("jobs run as the agent's user")),
    UID(List.of("uid"), (char) 0, REQUIRED, refused("jobs run as the agent's user")),
    GPUS_PER_SOCKET(List.of("gpus-per-socket"), (char) 0, REQUIRED, refused("use --gpus-per-node")),
    INPUT(List.of("input"), 'i', REQUIRED, refused("a batch script's standard input is /dev/null")),
    TRES_PER_TASK(List.of("tres-per-task"), (char) 0, REQUIRED, refused("use --gpus-per-task")),
    X11(List.of("x11"), (char) 0, OPTIONAL, refused("X11 forwarding is not supported"));

    /** Whether an option takes a value, as in getopt_long. */
    public enum Argument {
        /** A flag: {@code --hold}; {@code --hold=x} is an error. */
        NONE,
        /** {@code --time=10} or {@code --time 10}; {@code -t10} or {@code -t 10}. */
        REQUIRED,
        /** {@code --exclusive} or {@code --exclusive=user}; never the next word. */
        OPTIONAL
    }

    private final List<String> longNames;
    private final char shortName;
    private final Argument argument;
    private final Handling handling;
    private final String valueLabel;
    private final String help;

    SbatchOption(List<String> longNames, char shortName, Argument argument, Handling handling, String valueLabel,
            String help) {
        this.longNames = longNames;
        this.shortName = shortName;
        this.argument = argument;
        this.handling = handling;
        this.valueLabel = valueLabel;
        this.help = help;
    }

    SbatchOption(List<String> longNames, char shortName, Argument argument, Handling handling) {
        this(longNames, shortName, argument, handling, null, null);
    }

    /** The canonical long name, without dashes: {@code ntasks-per-node}. */
    public String longName() {
        return longNames.getFirst();
    }

    /** Every long name, canonical first, then aliases ({@code tasks-per-node}). */
    public List<String> longNames() {
        return longNames;
    }

    /** {@code --ntasks-per-node}: how messages name the option. */
    public String display() {
        return "--" + longName();
    }

    /** The short letter; {@code 0} when there is none. */
    public char shortName() {
        return shortName;
    }

    public Argument argument() {
        return argument;
    }

    public Handling handling() {
        return handling;
    }

    /** How help shows the value ({@code N[-MAX]}); null for flags and options help does not describe. */
    public String valueLabel() {
        return valueLabel;
    }

    /** One sentence for {@code --help}; null for options help only lists by name. */
    public String help() {
        return help;
    }

    private static Handling notEnforced(String consequence) {
        return new Handling.NotEnforced(consequence);
    }

    private static Handling refused(String reason) {
        return new Handling.Refused(reason);
    }

    private static Handling containersRefused() {
        return new Handling.Refused("containers are not supported; run enroot or apptainer inside the script");
    }
}
