package dev.rota.core.engine;

import dev.rota.core.job.Job;
import dev.rota.core.node.NodeRecord;
import dev.rota.core.policy.Usage;
import dev.rota.core.policy.UsageKey;

/** What must be persisted for a step to be durable. Applied in order; a later upsert of a key wins. */
public sealed interface StateChange {
    record JobUpserted(Job job) implements StateChange {
    }

    record NodeUpserted(NodeRecord node) implements StateChange {
    }

    /** The next job id to assign; ids are never reused, even across restarts. */
    record NextJobIdAdvanced(long nextJobId) implements StateChange {
    }

    /** A user's usage in an account after a job's GPUs were charged to it (the new value, not a delta). */
    record UsageCharged(UsageKey key, Usage usage) implements StateChange {
    }
}
