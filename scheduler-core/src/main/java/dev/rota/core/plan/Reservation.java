package dev.rota.core.plan;

import dev.rota.core.job.JobId;
import java.time.Instant;
import java.util.List;

/** A promise to a blocked job: it starts at {@code start} on {@code nodes} (no later, if limits hold). */
public record Reservation(JobId job, Instant start, List<String> nodes) {
    public Reservation {
        nodes = List.copyOf(nodes);
    }
}
