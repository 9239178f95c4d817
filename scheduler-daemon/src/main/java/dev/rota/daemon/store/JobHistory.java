package dev.rota.daemon.store;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Finished jobs, read straight from the store: the engine keeps only the most recent ones in
 * memory. Thread-safe; reads never wait for the engine loop.
 */
public interface JobHistory {
    /** A finished job by id, if it is still within retention. */
    Optional<Job> finished(JobId id);

    /** Finished jobs matching {@code query}, newest end first, at most {@code query.limit()}. */
    List<Job> search(HistoryQuery query);

    /**
     * Deletes finished jobs that ended before {@code cutoff}, at most {@code max} of them.
     * Touches only history, never live jobs, so it may run beside the engine loop.
     *
     * @return how many were deleted (fewer than {@code max} means none are left before the cutoff)
     */
    int purgeEndedBefore(Instant cutoff, int max);
}
