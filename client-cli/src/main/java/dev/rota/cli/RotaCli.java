package dev.rota.cli;

import dev.rota.cli.channel.ChannelFactory;
import dev.rota.cli.channel.ClientSettings;
import dev.rota.cli.channel.DaemonAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code rota}: submit, watch and cancel batch jobs, and drain and resume nodes, on a Rota cluster.
 *
 * <p>Exit codes: 0 success; 1 the operation failed (unknown job or node, unreachable daemon, request
 * refused by the daemon, unreadable script); 2 a usage error. Errors go to stderr, prefixed
 * {@code rota: }.
 *
 * <p>Run it as {@code main}, or embed it (tests, integration suites):
 * <pre>{@code
 * int exit = new RotaCli(channelFactory, caller, clock).run(out, err, "queue", "--json");
 * }</pre>
 * The daemon is dialled lazily, through the {@link ChannelFactory}, on the first RPC of a
 * command; the channel is shut down before {@link #run} returns. An instance runs one command at a
 * time.
 */
@Command(name = "rota", mixinStandardHelpOptions = true, versionProvider = RotaCli.Version.class,
        description = "Submit and follow batch jobs on a Rota GPU cluster.",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "Exit status: 0 success, 1 the operation failed, 2 usage error."})
public final class RotaCli implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--address", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            description = "The Rota daemon (default: $ROTA_ADDRESS, else 'address' in $XDG_CONFIG_HOME/rota/config, "
                    + "else " + DaemonAddress.DEFAULT + "; rota config shows which).")
    private String address;

    /**
     * Every command, in the order help lists them. Built lazily: {@link #run} registers only the
     * command being run (reading a command's annotations costs start-up time on every call), or all
     * of them when it cannot tell which (help, no command, an unknown one).
     */
    private static final java.util.LinkedHashMap<String, Class<?>> COMMANDS = new java.util.LinkedHashMap<>();

    static {
        COMMANDS.put("submit", SubmitCommand.class);
        COMMANDS.put("queue", QueueCommand.class);
        COMMANDS.put("history", HistoryCommand.class);
        COMMANDS.put("show", ShowCommand.class);
        COMMANDS.put("cancel", CancelCommand.class);
        COMMANDS.put("hold", JobControlCommands.Hold.class);
        COMMANDS.put("release", JobControlCommands.Release.class);
        COMMANDS.put("requeue", JobControlCommands.Requeue.class);
        COMMANDS.put("update", UpdateCommand.class);
        COMMANDS.put("priority", PriorityCommand.class);
        COMMANDS.put("share", ShareCommand.class);
        COMMANDS.put("explain", ExplainCommand.class);
        COMMANDS.put("nodes", NodesCommand.class);
        COMMANDS.put("node", NodeCommand.class);
        COMMANDS.put("drain", DrainCommand.class);
        COMMANDS.put("resume", ResumeCommand.class);
        COMMANDS.put("admin", AdminCommand.class);
        COMMANDS.put("audit", AuditCommand.class);
        COMMANDS.put("watch", WatchCommand.class);
        COMMANDS.put("logs", LogsCommand.class);
        COMMANDS.put("cluster", ClusterCommand.class);
        COMMANDS.put("config", ConfigCommand.class);
        COMMANDS.put("completion", CompletionCommand.class);
        COMMANDS.put("help", HelpCommand.class);
    }

    private final ChannelFactory channels;
    private final Caller caller;
    private final Clock clock;
    private DaemonClient daemon;

    /**
     * @param channels opens the channel to the daemon
     * @param caller   the user, environment, directory and stdin the commands act for
     * @param clock    the current time (queue TIME, show RunTime) and the zone times are shown in
     */
    public RotaCli(ChannelFactory channels, Caller caller, Clock clock) {
        this.channels = channels;
        this.caller = caller;
        this.clock = clock;
    }

    /** Production wiring: plaintext gRPC, this process's caller, the system clock and zone. */
    public RotaCli() {
        this(ChannelFactory.plaintext(), Caller.current(), Clock.systemDefaultZone());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(new RotaCli().run(out, err, args));
    }

    /**
     * Runs one command line.
     *
     * @param out  where results go
     * @param err  where errors go, each prefixed {@code rota: }
     * @return the exit code: 0, 1 or 2
     */
    public int run(PrintWriter out, PrintWriter err, String... args) {
        try {
            return commandLine(out, err, commandNamed(args)).execute(args);
        } finally {
            if (daemon != null) {
                daemon.close();
                daemon = null;
            }
            out.flush();
            err.flush();
        }
    }

    /** The picocli command line with every command, configured as {@link #run} uses it. */
    public CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /**
     * The command {@code args} runs, when that is certain (its first word that is not a global
     * option names a command other than help); null otherwise.
     */
    static String commandNamed(String... args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--address")) {
                i++;
                continue;
            }
            if (arg.startsWith("-")) {
                if (arg.startsWith("--address=")) {
                    continue;
                }
                return null; // --help, --version, or a mistake: picocli needs the whole tree
            }
            return COMMANDS.containsKey(arg) && !arg.equals("help") ? arg : null;
        }
        return null;
    }

    /** @param only the one command to register, or null for all */
    private CommandLine commandLine(PrintWriter out, PrintWriter err, String only) {
        CommandLine commandLine = new CommandLine(this);
        COMMANDS.forEach((name, type) -> {
            if (only == null || only.equals(name)) {
                commandLine.addSubcommand(name, type);
            }
        });
        commandLine.setOut(out);
        commandLine.setErr(err);
        // "@file" is an ordinary argument (a script's, say), never picocli's argument file.
        commandLine.setExpandAtFiles(false);
        // Like sbatch, everything after the script is the script's arguments, even "--flags".
        if (commandLine.getSubcommands().containsKey("submit")) {
            commandLine.getSubcommands().get("submit").setStopAtPositional(true);
        }
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            err.println("rota: " + e.getMessage());
            UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, failed, parseResult) -> {
            if (e instanceof Failure) {
                err.println("rota: " + e.getMessage());
            } else {
                err.println("rota: unexpected error: " + e);
                e.printStackTrace(err);
            }
            return 1;
        });
        return commandLine;
    }

    /** {@code rota} alone: a usage error that lists the commands. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing command: " + String.join(", ", COMMANDS.keySet().stream()
                        .filter(name -> !name.equals("help")).toList()));
    }

    /** The daemon, dialled on first use. */
    DaemonClient daemon() {
        if (daemon == null) {
            ClientSettings settings = settings();
            daemon = new DaemonClient(channels.open(settings.address()), settings.address(), caller.user(),
                    settings.origin());
        }
        return daemon;
    }

    /** A channel to another server (a node's agent), which the caller must shut down. */
    io.grpc.ManagedChannel open(DaemonAddress address) {
        return channels.open(address);
    }

    Caller caller() {
        return caller;
    }

    Clock clock() {
        return clock;
    }

    /** Where output goes: its width and whether colour is allowed. */
    dev.rota.cli.render.Terminal terminal() {
        return dev.rota.cli.render.Terminal.of(caller.environment(), caller.terminal());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * The settings in effect: --address, ROTA_ADDRESS, the config file, the default, in that order.
     * A bad address or config file is a usage error naming where it came from.
     */
    ClientSettings settings() {
        try {
            return ClientSettings.resolve(address, caller.environment());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The version from the jar's Maven descriptor; "(development build)" when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = RotaCli.class.getResourceAsStream(
                    "/META-INF/maven/dev.rota/rota-client-cli/pom.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"rota " + properties.getProperty("version", "(development build)")};
        }
    }
}
