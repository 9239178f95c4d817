package dev.rota.core.engine;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import dev.rota.core.job.NodeAllocation;
import dev.rota.core.node.Gpu;
import dev.rota.core.node.NodeNames;
import dev.rota.core.node.NodeRecord;
import dev.rota.core.node.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The engine's mutable state. Owned by the engine's single thread; nothing else may touch it.
 * Every collection is sorted, so iteration order is decided, never inherited from hashing.
 */
final class ClusterState {
    final SortedMap<JobId, Job> jobs = new TreeMap<>();
    final TreeSet<JobId> pending = new TreeSet<>();
    /**
     * Pending jobs whose reason is not {@code Priority}: the only ones a cycle must revisit behind a
     * blocked job, so a cycle costs what changed, not the length of the queue.
     */
    final TreeSet<JobId> pendingNotPriority = new TreeSet<>();
    final SortedMap<String, NodeEntry> nodes = new TreeMap<>(NodeNames.NATURAL);
    long nextJobId = 1;

    /** One node: its persisted record plus what is derived at run time. */
    static final class NodeEntry {
        NodeRecord record;
        boolean connected;
        final TreeSet<Integer> freeGpus = new TreeSet<>();
        final TreeSet<JobId> running = new TreeSet<>();

        NodeEntry(NodeRecord record) {
            this.record = record;
            for (Gpu g : record.gpus()) {
                freeGpus.add(g.index());
            }
        }

        boolean drained() {
            return record.drain().isPresent();
        }

        int gpusAllocated() {
            return record.gpus().size() - freeGpus.size();
        }

        NodeView view() {
            return new NodeView(record, NodeState.of(connected, drained(), running.size(), gpusAllocated(),
                    record.gpus().size()), connected, gpusAllocated(), new ArrayList<>(running));
        }
    }

    /** Marks a running job's GPUs busy on each of its nodes. */
    void hold(Job job) {
        for (NodeAllocation a : job.allocation()) {
            NodeEntry n = nodes.get(a.node());
            if (n == null) {
                throw new IllegalStateException("job " + job.id() + " holds unknown node " + a.node());
            }
            for (Integer gpu : a.gpus()) {
                if (!n.freeGpus.remove(gpu)) {
                    throw new IllegalStateException("gpu " + gpu + " of " + a.node() + " allocated twice (job "
                            + job.id() + ")");
                }
            }
            n.running.add(job.id());
        }
    }

    /** Frees what a job holds. */
    void release(Job job) {
        for (NodeAllocation a : job.allocation()) {
            NodeEntry n = nodes.get(a.node());
            if (n == null) {
                continue;
            }
            n.freeGpus.addAll(a.gpus());
            n.running.remove(job.id());
        }
    }

    void put(Job job) {
        jobs.put(job.id(), job);
        if (job.state() == JobState.PENDING) {
            pending.add(job.id());
        } else {
            pending.remove(job.id());
        }
        if (job.state() == JobState.PENDING && !job.reason().equals(PRIORITY)) {
            pendingNotPriority.add(job.id());
        } else {
            pendingNotPriority.remove(job.id());
        }
    }

    /** The pending reason of a job waiting behind another. */
    static final String PRIORITY = "Priority";

    ClusterSnapshot snapshot(long step) {
        List<NodeView> views = new ArrayList<>(nodes.size());
        for (NodeEntry n : nodes.values()) {
            views.add(n.view());
        }
        return new ClusterSnapshot(step, jobs, views);
    }
}
