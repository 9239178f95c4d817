package dev.rota.cli.slurm;

import dev.rota.api.v1.JobState;
import dev.rota.api.v1.NodeState;
import java.util.Locale;
import java.util.Optional;

/**
 * Job and node states in Slurm's words: the upper-case names {@code scontrol} and the JSON output
 * use ({@code PENDING}, {@code NODE_FAIL}, {@code DRAINED}) and the two-letter codes of
 * {@code squeue}'s ST column ({@code PD}, {@code R}, {@code CD}, {@code F}, {@code CA},
 * {@code TO}, {@code NF}). Pure and thread-safe.
 */
public final class SlurmStates {
    private SlurmStates() {}

    /**
     * The state's name without its proto prefix, e.g. {@code RUNNING}; {@code UNKNOWN} for a state
     * this client does not know (a newer daemon).
     */
    public static String name(JobState state) {
        return switch (state) {
            case JOB_STATE_PENDING -> "PENDING";
            case JOB_STATE_RUNNING -> "RUNNING";
            case JOB_STATE_COMPLETED -> "COMPLETED";
            case JOB_STATE_FAILED -> "FAILED";
            case JOB_STATE_CANCELLED -> "CANCELLED";
            case JOB_STATE_TIMEOUT -> "TIMEOUT";
            case JOB_STATE_NODE_FAIL -> "NODE_FAIL";
            case JOB_STATE_UNSPECIFIED, UNRECOGNIZED -> "UNKNOWN";
        };
    }

    /** The {@code squeue} ST code, e.g. {@code PD}; {@code ?} for a state this client does not know. */
    public static String code(JobState state) {
        return switch (state) {
            case JOB_STATE_PENDING -> "PD";
            case JOB_STATE_RUNNING -> "R";
            case JOB_STATE_COMPLETED -> "CD";
            case JOB_STATE_FAILED -> "F";
            case JOB_STATE_CANCELLED -> "CA";
            case JOB_STATE_TIMEOUT -> "TO";
            case JOB_STATE_NODE_FAIL -> "NF";
            case JOB_STATE_UNSPECIFIED, UNRECOGNIZED -> "?";
        };
    }

    /** Whether the job has ended and will not run again. */
    public static boolean isFinished(JobState state) {
        return switch (state) {
            case JOB_STATE_COMPLETED, JOB_STATE_FAILED, JOB_STATE_CANCELLED, JOB_STATE_TIMEOUT,
                    JOB_STATE_NODE_FAIL -> true;
            case JOB_STATE_PENDING, JOB_STATE_RUNNING, JOB_STATE_UNSPECIFIED, UNRECOGNIZED -> false;
        };
    }

    /**
     * Reads a job state as {@code squeue -t} does: a name or a code, in any case
     * ({@code running}, {@code R}, {@code node_fail}, {@code NF}).
     */
    public static Optional<JobState> parseJobState(String text) {
        String wanted = text.strip().toUpperCase(Locale.ROOT);
        for (JobState state : JobState.values()) {
            if (state != JobState.UNRECOGNIZED && state != JobState.JOB_STATE_UNSPECIFIED
                    && (name(state).equals(wanted) || code(state).equals(wanted))) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    /** The state's name without its proto prefix, e.g. {@code DRAINING}; {@code UNKNOWN} if not known. */
    public static String name(NodeState state) {
        return switch (state) {
            case NODE_STATE_IDLE -> "IDLE";
            case NODE_STATE_MIXED -> "MIXED";
            case NODE_STATE_ALLOCATED -> "ALLOCATED";
            case NODE_STATE_DRAINING -> "DRAINING";
            case NODE_STATE_DRAINED -> "DRAINED";
            case NODE_STATE_DOWN -> "DOWN";
            case NODE_STATE_NOT_RESPONDING -> "NOT_RESPONDING";
            case NODE_STATE_UNSPECIFIED, UNRECOGNIZED -> "UNKNOWN";
        };
    }
}
