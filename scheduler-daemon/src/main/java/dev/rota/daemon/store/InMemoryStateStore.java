package dev.rota.daemon.store;

import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.node.NodeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A store that keeps everything in memory: for tests, and the contract test's reference. */
public final class InMemoryStateStore implements StateStore {
    private final TreeMap<JobId, Job> jobs = new TreeMap<>();
    private final TreeMap<String, NodeRecord> nodes = new TreeMap<>();
    private long nextJobId = 1;

    @Override
    public synchronized StoredState load() {
        return new StoredState(nextJobId, new ArrayList<>(nodes.values()), new ArrayList<>(jobs.values()));
    }

    @Override
    public synchronized void commit(List<StateChange> changes) {
        for (StateChange c : changes) {
            switch (c) {
                case StateChange.JobUpserted j -> jobs.put(j.job().id(), j.job());
                case StateChange.NodeUpserted n -> nodes.put(n.node().name(), n.node());
                case StateChange.NextJobIdAdvanced a -> nextJobId = a.nextJobId();
            }
        }
    }

    @Override
    public void close() {
    }
}
