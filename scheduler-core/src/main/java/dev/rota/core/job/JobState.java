package dev.rota.core.job;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a job. {@link #canMoveTo} is the single transition table: every state change the
 * engine makes is checked against it.
 */
public enum JobState {
    PENDING,
    RUNNING,
    /** The batch script exited 0. */
    COMPLETED,
    /** The batch script exited non-zero, or could not be launched. */
    FAILED,
    CANCELLED,
    /** The time limit was reached: signalled, then killed after the grace period. */
    TIMEOUT,
    /** A node of the allocation failed. */
    NODE_FAIL;

    /** True for states a job never leaves. */
    public boolean isTerminal() {
        return this != PENDING && this != RUNNING;
    }

    /** The transition table. Terminal states have no successors. */
    public boolean canMoveTo(JobState next) {
        return successors().contains(next);
    }

    public Set<JobState> successors() {
        return switch (this) {
            case PENDING -> EnumSet.of(RUNNING, CANCELLED);
            // PENDING again is a requeue after a node failure.
            case RUNNING -> EnumSet.of(COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, PENDING);
            case COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL -> EnumSet.noneOf(JobState.class);
        };
    }
}
