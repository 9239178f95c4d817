package dev.rota.agent.exec;

import java.util.Objects;
import java.util.Optional;

/**
 * How the {@link JobSupervisor} runs jobs, beyond where: the admin's prolog and epilog.
 *
 * @param prolog run on every node of an allocation before its work starts there; a failure is a node
 *               fault: the job is requeued (as after a node failure) and the node drained
 * @param epilog run on every node of an allocation once it is released there (its processes gone);
 *               a failure drains the node
 */
public record ExecutionSettings(Optional<AdminScript> prolog, Optional<AdminScript> epilog) {

    /** No prolog, no epilog. */
    public static final ExecutionSettings DEFAULTS = new ExecutionSettings(Optional.empty(), Optional.empty());

    public ExecutionSettings {
        Objects.requireNonNull(prolog, "prolog");
        Objects.requireNonNull(epilog, "epilog");
    }
}
