package dev.rota.core.engine;

import dev.rota.core.job.JobId;
import dev.rota.core.node.NodeRecord;
import dev.rota.core.node.NodeState;
import java.util.List;

/**
 * A read-only picture of one node for queries and metrics.
 *
 * @param gpusAllocated GPUs busy: held by running jobs or by {@code lingeringGpus}
 * @param lingeringGpus GPUs still used by processes of a gang that lost another node, until the
 *                      agent reports them gone
 */
public record NodeView(NodeRecord record, NodeState state, boolean connected, int gpusAllocated,
        List<JobId> runningJobs, List<Integer> lingeringGpus) {
    public NodeView {
        runningJobs = List.copyOf(runningJobs);
        lingeringGpus = List.copyOf(lingeringGpus);
    }

    public String name() {
        return record.name();
    }

    public int gpusTotal() {
        return record.gpus().size();
    }
}
