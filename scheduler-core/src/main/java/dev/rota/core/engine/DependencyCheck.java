package dev.rota.core.engine;

import dev.rota.core.job.Dependency;
import dev.rota.core.job.Dependency.Clause;
import dev.rota.core.job.Dependency.JobRef;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobArray;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Decides whether a job's {@code --dependency} is met, from the states of the jobs it names, as
 * Slurm decides it. A job the engine no longer knows (finished long ago and evicted from memory)
 * counts as met, as in Slurm, where a purged job no longer holds anyone back. A clause naming an
 * array job is about every task of it.
 *
 * <p>Used for one scheduling cycle and then dropped: the singleton index is built on first use from
 * the state of that moment. Engine thread only.
 */
final class DependencyCheck {
    /** What a dependency is, now. */
    enum Verdict {
        MET,
        WAITING,
        /** Can never be met: a job it needs to succeed failed, or one it needs to fail succeeded. */
        NEVER
    }

    private final ClusterState state;
    /** For singleton: the lowest id of a pending or running job, per user and name. */
    private Map<String, JobId> firstLive;

    DependencyCheck(ClusterState state) {
        this.state = state;
    }

    Verdict of(Job job) {
        Dependency d = job.spec().dependency();
        if (d.isNone()) {
            return Verdict.MET;
        }
        int met = 0;
        int never = 0;
        for (Clause c : d.clauses()) {
            switch (clause(job, c)) {
                case MET -> met++;
                case NEVER -> never++;
                case WAITING -> {
                }
            }
        }
        int n = d.clauses().size();
        if (d.any()) {
            return met > 0 ? Verdict.MET : never == n ? Verdict.NEVER : Verdict.WAITING;
        }
        return never > 0 ? Verdict.NEVER : met == n ? Verdict.MET : Verdict.WAITING;
    }

    private Verdict clause(Job job, Clause c) {
        if (c.kind() == Dependency.Kind.SINGLETON) {
            JobId first = firstLive().get(key(job));
            // Only an earlier job of the same user and name holds it back, so two never wait for each other.
            return first == null || first.compareTo(job.id()) >= 0 ? Verdict.MET : Verdict.WAITING;
        }
        Verdict all = Verdict.MET;
        for (JobRef ref : c.jobs()) {
            for (Object subject : subjects(ref)) {
                Verdict v = one(c.kind(), subject);
                if (v == Verdict.NEVER) {
                    return Verdict.NEVER;
                }
                if (v == Verdict.WAITING) {
                    all = Verdict.WAITING;
                }
            }
        }
        return all;
    }

    /** The jobs a reference names: states of jobs (tasks), or PENDING for array tasks not yet started. */
    private List<Object> subjects(JobRef ref) {
        List<Object> out = new ArrayList<>();
        TreeSet<JobId> members = state.arrays.get(ref.job());
        if (members == null) {
            Job j = state.jobs.get(JobId.of(ref.job()));
            if (j != null && (ref.task().isEmpty() || j.spec().array().flatMap(a -> a.taskId().isPresent()
                    ? java.util.Optional.of(a.taskId().getAsInt()) : java.util.Optional.empty())
                    .map(t -> t == ref.task().getAsInt()).orElse(false))) {
                out.add(j.state());
            }
            return out;
        }
        for (JobId id : members) {
            Job j = state.jobs.get(id);
            JobArray a = j.spec().array().orElseThrow();
            if (ref.task().isEmpty()) {
                out.add(j.state());
            } else if (a.taskId().isPresent() ? a.taskId().getAsInt() == ref.task().getAsInt()
                    : a.pending().contains(ref.task().getAsInt())) {
                out.add(a.taskId().isPresent() ? j.state() : JobState.PENDING);
            }
        }
        return out;
    }

    private static Verdict one(Dependency.Kind kind, Object subject) {
        JobState s = (JobState) subject;
        return switch (kind) {
            case AFTER -> s == JobState.PENDING ? Verdict.WAITING : Verdict.MET;
            case AFTERANY -> s.isTerminal() ? Verdict.MET : Verdict.WAITING;
            case AFTEROK -> !s.isTerminal() ? Verdict.WAITING : s == JobState.COMPLETED ? Verdict.MET : Verdict.NEVER;
            case AFTERNOTOK -> !s.isTerminal() ? Verdict.WAITING : s == JobState.COMPLETED ? Verdict.NEVER : Verdict.MET;
            case SINGLETON -> throw new AssertionError("singleton names no job");
        };
    }

    private static String key(Job job) {
        return job.spec().user() + '\0' + job.spec().name();
    }

    private Map<String, JobId> firstLive() {
        if (firstLive == null) {
            firstLive = new HashMap<>();
            // Pending and running jobs, in id order: the first seen per key is the lowest.
            for (JobId id : state.pending) {
                firstLive.putIfAbsent(key(state.jobs.get(id)), id);
            }
            for (ClusterState.NodeEntry n : state.nodes.values()) {
                for (JobId id : n.running) {
                    Job j = state.jobs.get(id);
                    firstLive.merge(key(j), id, (a, b) -> a.compareTo(b) <= 0 ? a : b);
                }
            }
            // Jobs being stopped on a node that failed are no longer in any node's running set; they
            // are not live. Running jobs whose nodes are known are covered above.
        }
        return firstLive;
    }
}
