package dev.rota.cli;

import dev.rota.cli.docs.CommandDocs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rota completion bash|zsh}: the shell completion script, generated from the command definitions. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script for bash or zsh, generated from rota's commands.",
                "bash: source <(rota completion bash)   zsh: rota completion zsh > \"${fpath[1]}/_rota\"",
                "The packages install both (and man pages) already."})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    private RotaCli rota;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    private CommandDocs.Shell shell;

    @Override
    public Integer call() {
        // The whole command tree: run() registered only this command (start-up time).
        var out = spec.commandLine().getOut();
        out.print(CommandDocs.completion(rota.commandLine(out, spec.commandLine().getErr()), shell));
        return 0;
    }
}
