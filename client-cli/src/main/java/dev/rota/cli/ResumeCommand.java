package dev.rota.cli;

import dev.rota.api.v1.Node;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rota resume}: a drained node takes jobs again. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume drained nodes: they take new jobs again. Idempotent. "
                + "Nodes are names or hostlists: gpu[001-016],gpu-20.")
final class ResumeCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NODE", arity = "1..*", description = "Node names or hostlists.")
    private java.util.List<String> nodes;

    @Override
    public Integer call() {
        var names = NodeNames.expand(spec.commandLine(), nodes);
        return NodeNames.forEach(spec.commandLine(), names, node -> {
            Node resumed = rota.daemon().resume(node);
            rota.out().println(NodeReport.newState(resumed));
        });
    }
}
