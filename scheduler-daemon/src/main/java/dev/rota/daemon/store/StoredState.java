package dev.rota.daemon.store;

import dev.rota.core.job.Job;
import dev.rota.core.node.NodeRecord;
import java.util.List;

/** What a store holds: jobs in id order, nodes, and the next job id. */
public record StoredState(long nextJobId, List<NodeRecord> nodes, List<Job> jobs) {
    public StoredState {
        nodes = List.copyOf(nodes);
        jobs = List.copyOf(jobs);
    }
}
