package dev.rota.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rota admin}: operations on the daemon itself, for admins (root or the user rotad runs as). */
@Command(name = "admin", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Operate the Rota daemon itself. Only admins may: root, or the user rotad runs as.",
        subcommands = {BackupCommand.class})
final class AdminCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Spec
    private CommandSpec spec;

    /** {@code rota admin} alone: a usage error that lists its commands. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing command: " + String.join(", ", spec.subcommands().keySet()));
    }

    RotaCli rota() {
        return rota;
    }
}
