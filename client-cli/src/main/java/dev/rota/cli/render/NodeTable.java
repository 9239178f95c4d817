package dev.rota.cli.render;

import dev.rota.api.v1.Node;
import dev.rota.cli.render.Table.Column;
import dev.rota.cli.slurm.SlurmStates;
import java.util.List;
import java.util.Locale;

/**
 * The {@code rota nodes} table: NODE STATE GPUS(ALLOC/TOTAL) MODEL ADDRESS REASON, states in
 * lower case as {@code sinfo} prints them.
 */
public final class NodeTable {
    private NodeTable() {}

    public static String render(List<Node> nodes) {
        Table table = new Table(Column.left("NODE"), Column.left("STATE"), Column.right("GPUS(ALLOC/TOTAL)"),
                Column.left("MODEL"), Column.left("ADDRESS"), Column.left("REASON"));
        for (Node node : nodes) {
            table.row(node.getName(), state(node),
                    Integer.toUnsignedString(node.getGpusAllocated()) + "/" + Integer.toUnsignedString(node.getGpusTotal()),
                    node.getGpuModel(), node.getAddress(), node.getReason().replace('\n', ' '));
        }
        return table.render();
    }

    /** The node's state in lower case, e.g. {@code draining}. */
    public static String state(Node node) {
        return SlurmStates.name(node.getState()).toLowerCase(Locale.ROOT);
    }
}
