package dev.rota.core.policy;

import java.util.OptionalInt;

/**
 * Caps on running work, each absent when unlimited. On an account they count the whole subtree
 * (Slurm's GrpTRES / GrpJobs); the per-user caps count one user's jobs in it (MaxTRESPerUser).
 *
 * @param maxGpus               GPUs held by running jobs
 * @param maxRunningJobs        running jobs
 * @param maxGpusPerUser        GPUs held by one user's running jobs
 * @param maxRunningJobsPerUser one user's running jobs
 */
public record Limits(OptionalInt maxGpus, OptionalInt maxRunningJobs, OptionalInt maxGpusPerUser,
        OptionalInt maxRunningJobsPerUser) {

    public static final Limits NONE = new Limits(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
            OptionalInt.empty());

    public boolean isNone() {
        return equals(NONE);
    }
}
