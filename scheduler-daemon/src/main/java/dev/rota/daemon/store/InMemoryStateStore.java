package dev.rota.daemon.store;

import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.node.NodeRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Optional;
import java.util.List;
import java.util.TreeMap;

/** A store that keeps everything in memory: for tests, and the contract test's reference. */
public final class InMemoryStateStore implements StateStore {
    private final TreeMap<JobId, Job> jobs = new TreeMap<>();
    private final TreeMap<String, NodeRecord> nodes = new TreeMap<>();
    private long nextJobId = 1;
    private final TreeMap<dev.rota.core.policy.UsageKey, dev.rota.core.policy.Usage> usage = new TreeMap<>();

    @Override
    public synchronized StoredState load(int recentFinished) {
        List<Job> out = new ArrayList<>();
        for (Job j : jobs.values()) {
            if (!j.state().isTerminal()) {
                out.add(j);
            }
        }
        if (recentFinished > 0) {
            out.addAll(search(HistoryQuery.newest(recentFinished)));
        }
        return new StoredState(nextJobId, new ArrayList<>(nodes.values()), out, usage);
    }

    @Override
    public synchronized Optional<Job> finished(JobId id) {
        return Optional.ofNullable(jobs.get(id)).filter(j -> j.state().isTerminal());
    }

    @Override
    public synchronized List<Job> search(HistoryQuery query) {
        return jobs.values().stream().filter(j -> j.state().isTerminal())
                .filter(j -> query.endedAfter() == null || !j.endTime().isBefore(query.endedAfter()))
                .filter(j -> query.endedBefore() == null || j.endTime().isBefore(query.endedBefore()))
                .filter(query::matches)
                .sorted(Comparator.comparing(Job::endTime).thenComparing(Job::id).reversed())
                .limit(query.limit()).toList();
    }

    @Override
    public synchronized int purgeEndedBefore(Instant cutoff, int max) {
        List<JobId> old = jobs.values().stream().filter(j -> j.state().isTerminal() && j.endTime().isBefore(cutoff))
                .sorted(Comparator.comparing(Job::endTime).thenComparing(Job::id)).limit(max).map(Job::id).toList();
        old.forEach(jobs::remove);
        return old.size();
    }

    @Override
    public synchronized void commit(List<StateChange> changes) {
        for (StateChange c : changes) {
            switch (c) {
                case StateChange.JobUpserted j -> jobs.put(j.job().id(), j.job());
                case StateChange.NodeUpserted n -> nodes.put(n.node().name(), n.node());
                case StateChange.NextJobIdAdvanced a -> nextJobId = a.nextJobId();
                case StateChange.UsageCharged u -> usage.put(u.key(), u.usage());
            }
        }
    }

    private final dev.rota.daemon.audit.InMemoryAuditLog audit = new dev.rota.daemon.audit.InMemoryAuditLog();

    @Override
    public dev.rota.daemon.audit.AuditLog audit() {
        return audit;
    }

    @Override
    public void close() {
    }
}
