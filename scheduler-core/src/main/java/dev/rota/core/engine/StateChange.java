package dev.rota.core.engine;

import dev.rota.core.job.Job;
import dev.rota.core.node.NodeRecord;

/** What must be persisted for a step to be durable. Applied in order; a later upsert of a key wins. */
public sealed interface StateChange {
    record JobUpserted(Job job) implements StateChange {
    }

    record NodeUpserted(NodeRecord node) implements StateChange {
    }

    /** The next job id to assign; ids are never reused, even across restarts. */
    record NextJobIdAdvanced(long nextJobId) implements StateChange {
    }
}
