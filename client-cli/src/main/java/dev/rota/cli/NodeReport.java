package dev.rota.cli;

import dev.rota.api.v1.Node;
import dev.rota.api.v1.NodeState;
import dev.rota.cli.render.NodeTable;

/** The line {@code drain} and {@code resume} print about the node they changed. */
final class NodeReport {
    private NodeReport() {}

    /** e.g. {@code Node gpu-07 is now draining (2 jobs still running)}. */
    static String newState(Node node) {
        String line = "Node " + node.getName() + " is now " + NodeTable.state(node);
        if (node.getState() == NodeState.NODE_STATE_DRAINING) {
            int running = node.getRunningJobIdsCount();
            line += " (" + running + (running == 1 ? " job" : " jobs") + " still running)";
        }
        return line;
    }
}
