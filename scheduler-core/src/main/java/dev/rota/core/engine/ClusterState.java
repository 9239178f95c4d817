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
    /** Finished jobs still in {@link #jobs}, in the order they ended; the oldest are evicted first. */
    final java.util.ArrayDeque<JobId> finished = new java.util.ArrayDeque<>();
    final SortedMap<String, NodeEntry> nodes = new TreeMap<>(NodeNames.NATURAL);
    /** The reservations of the last cycle, by job: when and where blocked jobs will start. */
    final SortedMap<JobId, dev.rota.core.plan.Reservation> reservations = new TreeMap<>();
    /**
     * Failed exits held back because another node of the job was not responding when they arrived:
     * a dying node usually takes the batch script down with it (srun loses its task), and that must
     * not hide the node failure. Decided when the node returns (the exit stands) or is declared DOWN
     * (the gang is requeued). Not persisted: the agent repeats an unreleased exit when it registers.
     */
    final SortedMap<JobId, Event.AllocationEnded> deferredExits = new TreeMap<>();
    long nextJobId = 1;
    /**
     * The jobs of each job array still in {@link #jobs}, by array id: the record of its tasks not yet
     * started and the tasks split off it.
     */
    final SortedMap<Long, TreeSet<JobId>> arrays = new TreeMap<>();
    /** Charged usage per user and account (running jobs are added when judged, not here). */
    final SortedMap<dev.rota.core.policy.UsageKey, dev.rota.core.policy.Usage> usage = new TreeMap<>();
    /**
     * The last full cycle's judgement (the fair-share tree and each pending job's priority then),
     * replaced whole by each full cycle and never changed after; null before the first.
     */
    ClusterSnapshot.Judgement judgement;
    dev.rota.core.policy.FairTree fairTree;
    /** Priorities of jobs submitted since the last full cycle, judged with its fair-share tree. */
    final SortedMap<JobId, dev.rota.core.policy.Priority> newPriorities = new TreeMap<>();

    /** One node: its persisted record plus what is derived at run time. */
    static final class NodeEntry {
        NodeRecord record;
        boolean connected;
        /** Declared DOWN: away past the timeout, or not heard from since a restart. */
        boolean failed;
        /** Counts registrations, so a timer set for an old absence is recognised as stale. */
        long epoch;
        final TreeSet<Integer> freeGpus = new TreeSet<>();
        final TreeSet<JobId> running = new TreeSet<>();
        /**
         * Allocations the agent still runs but no job holds here any more: the surviving part of a
         * gang whose node failed (their GPUs stay busy) or strays the engine never placed (empty
         * GPU list; the node takes no work until they are gone). Cleared when the agent stops
         * reporting them.
         */
        final SortedMap<Event.RunningAllocation, List<Integer>> lingering = new TreeMap<>(
                java.util.Comparator.comparing(Event.RunningAllocation::job)
                        .thenComparingInt(Event.RunningAllocation::attempt));

        NodeEntry(NodeRecord record) {
            this.record = record;
            for (Gpu g : record.gpus()) {
                freeGpus.add(g.index());
            }
        }

        boolean drained() {
            return record.drain().isPresent();
        }

        /** Whether new work may be placed here now. */
        boolean schedulable() {
            if (!connected || drained()) {
                return false;
            }
            // A loop, not a stream: asked for every node several times per scheduling cycle.
            if (!lingering.isEmpty()) {
                for (List<Integer> held : lingering.values()) {
                    if (held.isEmpty()) {
                        return false;
                    }
                }
            }
            return true;
        }

        int gpusAllocated() {
            return record.gpus().size() - freeGpus.size();
        }

        NodeView view() {
            return new NodeView(record, NodeState.of(connected, failed, drained(), running.size() + lingering.size(),
                    gpusAllocated(), record.gpus().size()), connected, gpusAllocated(), new ArrayList<>(running),
                    lingering.values().stream().flatMap(List::stream).sorted().toList());
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
        Job previous = jobs.put(job.id(), job);
        if (previous == null && job.spec().array().isPresent()) {
            arrays.computeIfAbsent(job.spec().array().get().arrayJobId(), k -> new TreeSet<>()).add(job.id());
        }
        if (job.state().isTerminal() && (previous == null || !previous.state().isTerminal())) {
            finished.addLast(job.id());
        }
        if (job.state() == JobState.PENDING) {
            pending.add(job.id());
        } else {
            pending.remove(job.id());
        }
    }

    /**
     * Forgets the oldest finished jobs beyond {@code keep}. They are already in the store's
     * history; nothing needs persisting.
     */
    void evictFinished(int keep) {
        while (finished.size() > keep) {
            Job gone = jobs.remove(finished.removeFirst());
            if (gone != null && gone.spec().array().isPresent()) {
                long array = gone.spec().array().get().arrayJobId();
                TreeSet<JobId> members = arrays.get(array);
                if (members != null) {
                    members.remove(gone.id());
                    if (members.isEmpty()) {
                        arrays.remove(array);
                    }
                }
            }
        }
    }

    /** The pending reason of a job waiting behind another. */
    static final String PRIORITY = "Priority";

    ClusterSnapshot snapshot(long step) {
        List<NodeView> views = new ArrayList<>(nodes.size());
        for (NodeEntry n : nodes.values()) {
            views.add(n.view());
        }
        return new ClusterSnapshot(step, jobs, views, estimatedStarts(), judgement());
    }

    /** The last full cycle's priorities and fair-share tree, for queries. */
    ClusterSnapshot.Judgement judgement() {
        return judgement == null ? ClusterSnapshot.Judgement.NONE : judgement;
    }

    /** The start each reserved job was promised in the last cycle. */
    SortedMap<JobId, java.time.Instant> estimatedStarts() {
        SortedMap<JobId, java.time.Instant> starts = new TreeMap<>();
        reservations.forEach((id, r) -> starts.put(id, r.start()));
        return starts;
    }
}
