package dev.rota.daemon.store;

import dev.rota.core.engine.StateChange;
import java.util.List;

/**
 * Where the engine's state survives restarts. Only the engine loop thread writes.
 *
 * <p>Contract: {@link #commit} returns only once every change is durable (for RocksDB: written
 * and the WAL synced) and applies the whole list atomically, or throws {@link StoreFailure} having
 * applied none of it. After a failure the daemon must stop acknowledging.
 */
public interface StateStore extends JobHistory, AutoCloseable {

    /**
     * What the engine starts from: nodes, the next job id, every live (pending or running) job,
     * and the {@code recentFinished} most recently ended jobs. Older finished jobs stay in history
     * and are not loaded.
     */
    StoredState load(int recentFinished);

    /** Atomically and durably applies {@code changes} in order (a later upsert of a key wins). */
    void commit(List<StateChange> changes);

    /** The audit log kept beside the state (written by the audit trail, never by {@link #commit}). */
    dev.rota.daemon.audit.AuditLog audit();

    @Override
    void close();
}
