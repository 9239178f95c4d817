package dev.rota.agent.exec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How the {@link JobSupervisor} runs jobs, beyond where: the admin's prolog and epilog, whose
 * identity jobs take, and where their cgroups go.
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
 * @param cgroups       where to make per-job cgroups (limits and a sure kill); empty for none
 */
public record ExecutionSettings(Optional<AdminScript> prolog, Optional<AdminScript> epilog, RunAs runAs,
        boolean allowRootJobs, Optional<Cgroups> cgroups) {

    /**
     * No prolog, no epilog, jobs as the agent's user, root allowed, no cgroups: what an agent
     * embedded in a test or in {@code rotad --standalone} does. {@code rota-agent} chooses from its
     * options instead.
     */
    public static final ExecutionSettings DEFAULTS = new ExecutionSettings(Optional.empty(), Optional.empty(),
            RunAs.AGENT_USER, true, Optional.empty());

    /**
     * Where job cgroups go: {@code <root>/<parent>/job-ID.ATTEMPT}.
     *
     * @param root   the cgroup v2 mount, normally {@link JobCgroups#DEFAULT_ROOT}
     * @param parent the parent cgroup, relative to {@code root}, e.g. {@link JobCgroups#DEFAULT_PARENT}
     */
    public record Cgroups(Path root, String parent) {
        public Cgroups {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(parent, "parent");
        }
    }

    public ExecutionSettings {
        Objects.requireNonNull(prolog, "prolog");
        Objects.requireNonNull(epilog, "epilog");
        Objects.requireNonNull(runAs, "runAs");
        Objects.requireNonNull(cgroups, "cgroups");
    }

    /** These settings without cgroups. */
    public ExecutionSettings(Optional<AdminScript> prolog, Optional<AdminScript> epilog, RunAs runAs,
            boolean allowRootJobs) {
        this(prolog, epilog, runAs, allowRootJobs, Optional.empty());
    }

    /** These settings with {@code prolog} and {@code epilog}. */
    public ExecutionSettings(Optional<AdminScript> prolog, Optional<AdminScript> epilog) {
        this(prolog, epilog, DEFAULTS.runAs(), DEFAULTS.allowRootJobs());
    }

    /** A copy with {@code cgroups}. */
    public ExecutionSettings withCgroups(Optional<Cgroups> newCgroups) {
        return new ExecutionSettings(prolog, epilog, runAs, allowRootJobs, newCgroups);
    }
}
