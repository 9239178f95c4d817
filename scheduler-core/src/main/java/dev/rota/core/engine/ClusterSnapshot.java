package dev.rota.core.engine;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable picture of the cluster after an engine step. Readers (queries, metrics) use it from
 * any thread without locks and never wait for the engine.
 *
 * @param step  how many engine steps produced it (grows by one per step)
 * @param jobs  every job, by id
 * @param nodes every known node, in natural name order
 */
public record ClusterSnapshot(long step, SortedMap<JobId, Job> jobs, List<NodeView> nodes) {
    public ClusterSnapshot {
        jobs = Collections.unmodifiableSortedMap(new TreeMap<>(jobs));
        nodes = List.copyOf(nodes);
    }

    public static ClusterSnapshot empty() {
        return new ClusterSnapshot(0, new TreeMap<>(), List.of());
    }

    public Optional<Job> job(JobId id) {
        return Optional.ofNullable(jobs.get(id));
    }

    public Optional<NodeView> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}
