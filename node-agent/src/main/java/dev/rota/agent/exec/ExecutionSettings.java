package dev.rota.agent.exec;

import java.util.Objects;
import java.util.Optional;

/**
 * How the {@link JobSupervisor} runs jobs, beyond where: the admin's prolog and epilog, and whose
 * identity jobs take.
 *
 * @param prolog        run on every node of an allocation before its work starts there; a failure
 *                      is a node fault: the job is requeued (as after a node failure) and the node
 *                      drained
 * @param epilog        run on every node of an allocation once it is released there (its processes
 *                      gone); a failure drains the node
 * @param runAs         whose identity jobs take
 * @param allowRootJobs whether a job may run as root (submitted by root under
 *                      {@link RunAs#SUBMITTER}, or any job of an agent that is root under
 *                      {@link RunAs#AGENT_USER}); such jobs fail to launch otherwise
 */
public record ExecutionSettings(Optional<AdminScript> prolog, Optional<AdminScript> epilog, RunAs runAs,
        boolean allowRootJobs) {

    /**
     * No prolog, no epilog, jobs as the agent's user, root allowed: what an agent embedded in a test
     * or in {@code rotad --standalone} does. {@code rota-agent} chooses from its options instead.
     */
    public static final ExecutionSettings DEFAULTS = new ExecutionSettings(Optional.empty(), Optional.empty(),
            RunAs.AGENT_USER, true);

    public ExecutionSettings {
        Objects.requireNonNull(prolog, "prolog");
        Objects.requireNonNull(epilog, "epilog");
        Objects.requireNonNull(runAs, "runAs");
    }

    /** These settings with {@code prolog} and {@code epilog}. */
    public ExecutionSettings(Optional<AdminScript> prolog, Optional<AdminScript> epilog) {
        this(prolog, epilog, DEFAULTS.runAs(), DEFAULTS.allowRootJobs());
    }
}
