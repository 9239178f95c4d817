package dev.rota.cli;

import dev.rota.api.v1.Node;
import dev.rota.cli.render.NodeJson;
import dev.rota.cli.render.NodeTable;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code rota nodes}: every node with its state, GPUs and drain reason. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "List nodes: state, GPUs allocated of total, GPU model, agent address, drain or down reason.")
final class NodesCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Option(names = "--json", description = "Print {\"nodes\": [...]} (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        List<Node> nodes = rota.daemon().nodes();
        rota.out().print(json ? NodeJson.list(nodes) : NodeTable.render(nodes));
        return 0;
    }
}
