package dev.rota.cli;

import dev.rota.api.v1.Node;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rota drain}: the node finishes its jobs and takes no new ones. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Drain nodes: their running jobs finish, they take no new ones. Idempotent. "
                + "Nodes are names or hostlists: gpu[001-016],gpu-20.")
final class DrainCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NODE", arity = "1..*", description = "Node names or hostlists.")
    private java.util.List<String> nodes;

    @Option(names = "--reason", paramLabel = "TEXT", required = true,
            description = "Why, shown in 'rota nodes' (required).")
    private String reason;

    @Override
    public Integer call() {
        if (reason.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--reason must not be empty");
        }
        var names = NodeNames.expand(spec.commandLine(), nodes);
        return NodeNames.forEach(spec.commandLine(), names, node -> {
            Node drained = rota.daemon().drain(node, reason);
            rota.out().println(NodeReport.newState(drained));
        });
    }
}
