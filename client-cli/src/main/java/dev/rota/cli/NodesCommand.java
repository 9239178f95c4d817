package dev.rota.cli;

import dev.rota.api.v1.Node;
import dev.rota.cli.render.NodeJson;
import dev.rota.cli.render.NodeTable;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code rota nodes}: sinfo. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = {"List nodes like sinfo: one line per partition, state and GPU model, with GPUs allocated "
                + "of total and the nodes as a hostlist.",
                "--long: one line per node with GPU health, heartbeat age, drain reason, who drained it and when."})
final class NodesCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Option(names = {"-l", "--long"}, description = "One line per node, with health, heartbeat and drain details.")
    private boolean long_;

    @Option(names = "--json", description = "Print {\"nodes\": [...]} (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        List<Node> nodes = rota.daemon().nodes();
        rota.out().print(json ? NodeJson.list(nodes)
                : long_ ? NodeTable.render(nodes, rota.clock().getZone(), rota.terminal())
                : NodeTable.summary(nodes, rota.terminal()));
        return 0;
    }
}
