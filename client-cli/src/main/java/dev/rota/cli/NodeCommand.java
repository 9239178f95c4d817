package dev.rota.cli;

import dev.rota.api.v1.Node;
import dev.rota.cli.render.NodeJson;
import dev.rota.cli.render.NodeTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rota node show NAME}: everything about one node, like scontrol show node. */
@Command(name = "node", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "One node in detail.", subcommands = NodeCommand.Show.class)
final class NodeCommand implements Callable<Integer> {
    @ParentCommand
    RotaCli rota;

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: show");
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one node as Key=Value lines (state, GPUs and their health, heartbeat age, drain "
                    + "reason, who drained it and when), like scontrol show node.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        private NodeCommand node;

        @Parameters(paramLabel = "NAME", description = "The node's name.")
        private String name;

        @Option(names = "--json", description = "Print the node as a JSON object (see docs/cli-json.md).")
        private boolean json;

        @Override
        public Integer call() {
            RotaCli rota = node.rota;
            Node found = rota.daemon().nodes().stream().filter(n -> n.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new Failure("node " + name + " does not exist (rota nodes lists them)"));
            rota.out().print(json ? NodeJson.single(found) : NodeTable.details(found, rota.clock().getZone()));
            return 0;
        }
    }
}
