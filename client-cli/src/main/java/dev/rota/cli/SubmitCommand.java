package dev.rota.cli;

import com.google.protobuf.Duration;
import dev.rota.api.v1.JobSpec;
import dev.rota.cli.render.JobJson;
import dev.rota.cli.slurm.SlurmTime;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code rota submit}: sbatch's options and output, for a script file, stdin or {@code --wrap}. */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Submit a batch script, like sbatch. It runs with bash on the first allocated node, with "
                + "your current environment. SCRIPT '-' reads the script from stdin; --wrap makes one from a command. "
                + "Everything after SCRIPT is passed to the script.")
final class SubmitCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-N", "--nodes"}, paramLabel = "N", defaultValue = "1",
            description = "Nodes to allocate (default: ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--ntasks-per-node", paramLabel = "N", defaultValue = "1",
            description = "Tasks srun starts on each node (default: ${DEFAULT-VALUE}).")
    private int ntasksPerNode;

    @Option(names = "--gpus-per-node", paramLabel = "N", defaultValue = "0",
            description = "GPUs on each node (default: ${DEFAULT-VALUE}).")
    private int gpusPerNode;

    @Option(names = {"-t", "--time"}, paramLabel = "TIME", defaultValue = "1:00:00", converter = TimeConverter.class,
            description = "Time limit: M, M:S, H:M:S, D-H, D-H:M or D-H:M:S (default: 1:00:00).")
    private java.time.Duration time;

    @Option(names = {"-J", "--job-name"}, paramLabel = "NAME",
            description = "Job name (default: the script's file name, or 'wrap').")
    private String name;

    @Option(names = {"-A", "--account"}, paramLabel = "ACCOUNT", description = "Account to charge (default: yours).")
    private String account;

    @Option(names = {"-p", "--partition"}, paramLabel = "PARTITION", description = "Partition (default: the cluster's).")
    private String partition;

    @Option(names = {"-o", "--output"}, paramLabel = "PATTERN",
            description = "Output file; %%j is the job id, %%x the job name (default: rota-%%j.out).")
    private String output;

    @Option(names = {"-e", "--error"}, paramLabel = "PATTERN",
            description = "Error file, same patterns (default: the output file).")
    private String error;

    @Option(names = {"-D", "--chdir"}, paramLabel = "DIR",
            description = "Directory the script starts in (default: the current directory).")
    private String chdir;

    @Option(names = "--wrap", paramLabel = "CMD", description = "Submit CMD wrapped in a bash script instead of SCRIPT.")
    private String wrap;

    @Option(names = "--requeue", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Requeue the job (same id) when a node it runs on fails (default); --no-requeue ends it "
                    + "NODE_FAIL instead.")
    private boolean requeue;

    @Option(names = "--parsable", description = "Print only the job id.")
    private boolean parsable;

    @Option(names = "--json", description = "Print {\"job_id\": ID} (see docs/cli-json.md).")
    private boolean json;

    @Parameters(paramLabel = "SCRIPT", arity = "0..1", index = "0", description = "The batch script; '-' for stdin.")
    private String script;

    @Parameters(paramLabel = "ARGS", index = "1..*", description = "Arguments passed to the script.")
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        validate();
        Caller caller = rota.caller();
        JobSpec.Builder job = JobSpec.newBuilder()
                .setName(name != null ? name : defaultName())
                .setNodes(nodes)
                .setNtasksPerNode(ntasksPerNode)
                .setGpusPerNode(gpusPerNode)
                .setTimeLimit(Duration.newBuilder().setSeconds(time.toSeconds()))
                .setScript(script())
                .addAllScriptArgs(args == null ? List.of() : args)
                .setWorkingDir(workingDir(caller).toString())
                .putAllEnvironment(caller.environment())
                .setNoRequeue(!requeue);
        if (account != null) {
            job.setAccount(account);
        }
        if (partition != null) {
            job.setPartition(partition);
        }
        if (output != null) {
            job.setOutputPattern(output);
        }
        if (error != null) {
            job.setErrorPattern(error);
        }
        long id = rota.daemon().submit(job.build());
        if (json) {
            rota.out().print(JobJson.submitted(id));
        } else if (parsable) {
            rota.out().println(Long.toUnsignedString(id));
        } else {
            rota.out().println("Submitted batch job " + Long.toUnsignedString(id));
        }
        return 0;
    }

    private void validate() {
        if (wrap != null && script != null) {
            throw usage("give either SCRIPT or --wrap, not both");
        }
        if (wrap == null && script == null) {
            throw usage("nothing to submit: give a SCRIPT, '-' to read one from stdin, or --wrap CMD");
        }
        if (nodes < 1) {
            throw usage("--nodes must be at least 1, not " + nodes);
        }
        if (ntasksPerNode < 1) {
            throw usage("--ntasks-per-node must be at least 1, not " + ntasksPerNode);
        }
        if (gpusPerNode < 0) {
            throw usage("--gpus-per-node must not be negative, not " + gpusPerNode);
        }
        if (name != null && name.isBlank()) {
            throw usage("--job-name must not be empty");
        }
        if (json && parsable) {
            throw usage("give either --json or --parsable, not both");
        }
    }

    private String defaultName() {
        if (wrap != null) {
            return "wrap";
        }
        if (script.equals("-")) {
            return "stdin";
        }
        Path file = Path.of(script).getFileName();
        return file == null ? script : file.toString();
    }

    private Path workingDir(Caller caller) {
        return chdir == null ? caller.workingDir() : caller.workingDir().resolve(chdir).normalize();
    }

    /** The script's text: made from --wrap, read from stdin, or read from the file. */
    private String script() {
        if (wrap != null) {
            return "#!/bin/bash\n" + wrap + "\n";
        }
        byte[] bytes;
        try {
            bytes = script.equals("-")
                    ? rota.caller().stdin().readAllBytes()
                    : Files.readAllBytes(rota.caller().workingDir().resolve(script));
        } catch (NoSuchFileException e) {
            throw cannotRead("No such file");
        } catch (AccessDeniedException e) {
            throw cannotRead("Permission denied");
        } catch (IOException e) {
            throw cannotRead(e.getMessage());
        }
        if (bytes.length == 0) {
            throw new Failure("script '" + script + "' is empty");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Failure("script '" + script + "' is not UTF-8 text");
        }
    }

    private Failure cannotRead(String why) {
        return new Failure("cannot read script '" + script + "': " + why);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Reads {@code --time} with {@link SlurmTime}. */
    static final class TimeConverter implements ITypeConverter<java.time.Duration> {
        @Override
        public java.time.Duration convert(String value) {
            try {
                return SlurmTime.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
