package dev.rota.cli;

import com.google.protobuf.Duration;
import dev.rota.api.v1.JobSpec;
import dev.rota.cli.render.JobJson;
import dev.rota.cli.sbatch.BatchRequest;
import dev.rota.cli.sbatch.Diagnostic;
import dev.rota.cli.sbatch.OptionHelp;
import dev.rota.cli.sbatch.OptionReader;
import dev.rota.cli.sbatch.Origin;
import dev.rota.cli.sbatch.Setting;
import dev.rota.cli.sbatch.Word;
import dev.rota.cli.slurm.SlurmMemory;
import java.io.IOException;
import java.io.PrintWriter;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code rota submit}: sbatch's options, directives and output, for a script file, stdin or
 * {@code --wrap}.
 *
 * <p>picocli hands every argument over untouched; {@link OptionReader} reads them with sbatch's
 * getopt_long grammar, the same grammar as the script's {@code #SBATCH} directives, so that the two
 * can never disagree. {@code --address} (the global option) is read here too when it comes after an
 * sbatch option, and set on the parent command.
 *
 * <p>Exit status: 0 submitted (or {@code --test-only}); 1 the script cannot be read or the daemon
 * refused the job; 2 a usage error or an error in the script's directives, each printed like a
 * compiler's ({@code train.sh:7: invalid --time value ...}), nothing submitted.
 */
@Command(name = "submit", customSynopsis = {
        "rota submit [OPTIONS] SCRIPT [ARGS...]",
        "       rota submit [OPTIONS] - [ARGS...]       (the script on stdin)",
        "       rota submit [OPTIONS] --wrap CMD"},
        description = "Submit a batch script, like sbatch: its #SBATCH directives are read as sbatch reads them, and "
                + "options on the command line override them. It runs with bash on the first allocated node, with "
                + "your current environment. Everything after SCRIPT is passed to the script.%n")
final class SubmitCommand implements Callable<Integer> {
    /** Never an argument: picocli must pass {@code --} on to {@link OptionReader}. */
    private static final String NO_DELIMITER = "--\u0000";

    @ParentCommand
    private RotaCli rota;

    private CommandSpec spec;

    @Unmatched
    private List<String> args = new ArrayList<>();

    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.parser().endOfOptionsDelimiter(NO_DELIMITER);
        spec.usageMessage().footer(OptionHelp.lines().stream().map(l -> l.replace("%", "%%")).toArray(String[]::new));
    }

    @Override
    public Integer call() throws IOException {
        OptionReader.Reading commandLine = OptionReader.commandLine(args);
        if (!commandLine.diagnostics().isEmpty()) {
            throw usage(String.join("\nrota: ", commandLine.diagnostics().stream().map(Diagnostic::message).toList()));
        }
        String wrap = null;
        for (Setting setting : commandLine.settings()) {
            switch (setting.option()) {
                case HELP, USAGE -> {
                    spec.commandLine().usage(rota.out());
                    return 0;
                }
                case VERSION -> {
                    rota.out().println(new RotaCli.Version().getVersion()[0]);
                    return 0;
                }
                case ADDRESS -> spec.parent().findOption("--address").setValue(setting.value());
                case WRAP -> wrap = setting.value();
                default -> {
                    // Read with the directives below.
                }
            }
        }
        List<Word> operands = commandLine.operands();
        if (wrap != null && !operands.isEmpty()) {
            throw usage("give either SCRIPT or --wrap, not both");
        }
        if (wrap == null && operands.isEmpty()) {
            throw usage("nothing to submit: give a SCRIPT, '-' to read one from stdin, or --wrap CMD");
        }
        String script = operands.isEmpty() ? null : operands.getFirst().text();
        List<String> scriptArgs = operands.stream().skip(1).map(Word::text).toList();
        String source = script == null ? "--wrap" : script.equals("-") ? "<stdin>" : script;
        String text = wrap != null ? "#!/bin/bash\n" + wrap + "\n" : read(script);

        // sbatch reads no directives from --wrap's command.
        BatchRequest.Assembly assembly = wrap != null ? BatchRequest.assemble(List.of(), commandLine.settings())
                : BatchRequest.read(source, text, commandLine.settings());
        List<Diagnostic> diagnostics = assembly.diagnostics();
        PrintWriter err = spec.commandLine().getErr();
        diagnostics.forEach(d -> err.println(d.render()));
        List<Diagnostic> errors = diagnostics.stream().filter(Diagnostic::isError).toList();
        if (!errors.isEmpty()) {
            if (errors.stream().allMatch(d -> d.origin() instanceof Origin.CommandLine)) {
                err.println("Try 'rota submit --help' for more information.");
            } else {
                err.println("rota: nothing submitted: " + errors.size() + (errors.size() == 1 ? " error" : " errors")
                        + " in " + source);
            }
            return 2;
        }
        BatchRequest request = assembly.request().orElseThrow();
        if (request.reply().json() && request.reply().parsable()) {
            throw usage("give either --json or --parsable, not both");
        }

        Caller caller = rota.caller();
        JobSpec job = jobSpec(request, caller, text, scriptArgs, script);
        if (request.reply().testOnly()) {
            List<String> remarks = diagnostics.stream().map(Diagnostic::render).toList();
            rota.out().print(request.reply().json() ? TestOnlyReport.json(job, request, source, remarks)
                    : TestOnlyReport.text(job, request, source));
            return 0;
        }
        long id = rota.daemon().submit(job);
        if (request.reply().json()) {
            rota.out().print(JobJson.submitted(id));
        } else if (request.reply().parsable()) {
            rota.out().println(Long.toUnsignedString(id));
        } else if (!request.reply().quiet()) {
            rota.out().println("Submitted batch job " + Long.toUnsignedString(id));
        }
        return 0;
    }

    private static JobSpec jobSpec(BatchRequest request, Caller caller, String text, List<String> scriptArgs,
            String script) {
        Map<String, String> environment = new TreeMap<>(request.export().apply(caller.environment()));
        environment.putAll(request.slurmVariables());
        Path workingDir = request.chdir().map(dir -> caller.workingDir().resolve(dir).normalize())
                .orElse(caller.workingDir());
        JobSpec.Builder job = JobSpec.newBuilder()
                .setName(request.name().orElseGet(() -> defaultName(script)))
                .setNodes(request.layout().nodes())
                .setNtasksPerNode(request.layout().tasksPerNode())
                .setGpusPerNode(request.layout().gpusPerNode())
                .setTimeLimit(Duration.newBuilder().setSeconds(request.timeLimit().toSeconds()))
                .setScript(text)
                .addAllScriptArgs(scriptArgs)
                .setWorkingDir(workingDir.toString())
                .putAllEnvironment(environment)
                .setNoRequeue(!request.requeue());
        request.account().ifPresent(job::setAccount);
        request.qos().ifPresent(job::setQos);
        request.partition().ifPresent(job::setPartition);
        request.output().ifPresent(job::setOutputPattern);
        request.error().ifPresent(job::setErrorPattern);
        request.signal().ifPresent(signal -> job.setSignal(signal.toString()));
        // --mem and --cpus-per-task are still warned about (nodes are not chosen by them), but are sent:
        // agents with cgroup v2 enforce them.
        for (Setting s : request.notEnforced()) {
            switch (s.option()) {
                case MEM -> job.setMemPerNodeBytes(SlurmMemory.parseBytes(s.value(), "--mem value").orElse(0));
                case CPUS_PER_TASK -> job.setCpusPerTask(Integer.parseInt(s.value().strip()));
                default -> {
                    // Not sent.
                }
            }
        }
        BatchRequest.Control control = request.control();
        job.setHold(control.hold()).setDependency(control.dependency().toString());
        control.begin().ifPresent(b -> job.setBeginTime(com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(b.getEpochSecond()).setNanos(b.getNano())));
        control.array().ifPresent(a -> job.setArray(a.toString()).setArrayThrottle(control.throttle()));
        return job.build();
    }

    private static String defaultName(String script) {
        if (script == null) {
            return "wrap";
        }
        if (script.equals("-")) {
            return "stdin";
        }
        Path file = Path.of(script).getFileName();
        return file == null ? script : file.toString();
    }

    /** The script's text, read from stdin or the file. */
    private String read(String script) {
        byte[] bytes;
        try {
            bytes = script.equals("-")
                    ? rota.caller().stdin().readAllBytes()
                    : Files.readAllBytes(rota.caller().workingDir().resolve(script));
        } catch (NoSuchFileException e) {
            throw cannotRead(script, "No such file");
        } catch (AccessDeniedException e) {
            throw cannotRead(script, "Permission denied");
        } catch (IOException e) {
            throw cannotRead(script, e.getMessage());
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

    private static Failure cannotRead(String script, String why) {
        return new Failure("cannot read script '" + script + "': " + why);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
