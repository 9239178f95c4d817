package dev.rota.daemon.store;

import dev.rota.core.job.JobState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * A search over finished jobs, like {@code sacct}'s filters. Null or empty fields match everything.
 *
 * @param endedAfter  inclusive lower bound on end time, or null
 * @param endedBefore exclusive upper bound on end time, or null
 * @param limit       most jobs to return (newest first)
 */
public record HistoryQuery(String user, String account, Set<JobState> states, Instant endedAfter,
        Instant endedBefore, int limit) {
    public HistoryQuery {
        states = states == null || states.isEmpty() ? EnumSet.noneOf(JobState.class) : EnumSet.copyOf(states);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
    }

    public static HistoryQuery newest(int limit) {
        return new HistoryQuery(null, null, Set.of(), null, null, limit);
    }

    /** Whether a finished job passes the filters other than the time range. */
    public boolean matches(dev.rota.core.job.Job job) {
        return (user == null || user.isEmpty() || user.equals(job.spec().user()))
                && (account == null || account.isEmpty() || account.equals(job.spec().account()))
                && (states.isEmpty() || states.contains(job.state()));
    }
}
