package dev.rota.daemon.store;

import dev.rota.core.job.Job;
import dev.rota.core.node.NodeRecord;
import dev.rota.core.policy.Usage;
import dev.rota.core.policy.UsageKey;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** What a store holds: jobs in id order, nodes, the next job id, and charged usage per user and account. */
public record StoredState(long nextJobId, List<NodeRecord> nodes, List<Job> jobs, SortedMap<UsageKey, Usage> usage) {
    public StoredState {
        nodes = List.copyOf(nodes);
        jobs = List.copyOf(jobs);
        usage = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(usage));
    }

    /** A state with no usage charged yet. */
    public StoredState(long nextJobId, List<NodeRecord> nodes, List<Job> jobs) {
        this(nextJobId, nodes, jobs, new TreeMap<>(Map.of()));
    }
}
