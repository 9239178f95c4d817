package dev.rota.core.engine;

import dev.rota.core.job.JobId;
import dev.rota.core.node.NodeRecord;
import dev.rota.core.node.NodeState;
import java.util.List;

/** A read-only picture of one node for queries and metrics. */
public record NodeView(NodeRecord record, NodeState state, boolean connected, int gpusAllocated,
        List<JobId> runningJobs) {
    public NodeView {
        runningJobs = List.copyOf(runningJobs);
    }

    public String name() {
        return record.name();
    }

    public int gpusTotal() {
        return record.gpus().size();
    }
}
