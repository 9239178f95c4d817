package dev.rota.core.job;

/**
 * What a job may use of each of its nodes besides GPUs: sbatch's {@code --mem} and
 * {@code --cpus-per-task}. Not scheduled on (nodes are not chosen by memory or CPUs); the agents
 * enforce them where they can (cgroup v2). Immutable.
 *
 * @param memoryBytes memory per node in bytes; 0 for no limit (also what {@code --mem=0}, "the whole
 *                    node", comes to)
 * @param cpusPerTask CPUs for each task; 0 when not given
 */
public record NodeLimits(long memoryBytes, int cpusPerTask) {

    /** No limits. */
    public static final NodeLimits NONE = new NodeLimits(0, 0);

    public NodeLimits {
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes must not be negative: " + memoryBytes);
        }
        if (cpusPerTask < 0) {
            throw new IllegalArgumentException("cpusPerTask must not be negative: " + cpusPerTask);
        }
    }
}
