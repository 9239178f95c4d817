package dev.rota.core.engine;

import dev.rota.core.job.JobId;

/** What a timer is for; the engine ignores a timer whose subject has moved on. */
public sealed interface TimerKey {
    /** The time limit of one attempt of a job. */
    record TimeLimit(JobId job, int attempt) implements TimerKey {
    }

    /** A job's {@code --begin} time came: it may start from now on. */
    record BeginTime(JobId job) implements TimerKey {
    }

    /**
     * Whether a node that went away at its {@code epoch}-th registration has come back; if not, it
     * is declared DOWN.
     */
    record NodeLostCheck(String node, long epoch) implements TimerKey {
    }
}
