package dev.rota.cli;

import dev.rota.api.v1.Node;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rota resume}: a drained node takes jobs again. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume a drained node: it takes new jobs again. Idempotent.")
final class ResumeCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Parameters(paramLabel = "NODE", description = "The node's name.")
    private String node;

    @Override
    public Integer call() {
        Node resumed = rota.daemon().resume(node);
        rota.out().println(NodeReport.newState(resumed));
        return 0;
    }
}
