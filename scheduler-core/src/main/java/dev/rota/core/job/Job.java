package dev.rota.core.job;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A job as the engine knows it. Immutable: every change makes a new value, so a published snapshot
 * can share jobs with the engine safely.
 *
 * @param reason     why it is pending, or how it ended; empty when there is nothing to say
 * @param exitCode   exit status of the batch script once it ended (128 + N for signal N)
 * @param startTime  null until it first runs
 * @param endTime    null until it reaches a terminal state
 * @param allocation the nodes and GPUs it holds while RUNNING (first node runs the script); after it
 *                   ended, where it ran (held no longer); empty while PENDING
 * @param attempt    counts starts; a report about another attempt is stale
 * @param endingAs   the terminal state to record when its processes have exited (CANCELLED or
 *                   TIMEOUT), or null when it should end by its exit code
 * @param masterPort the MASTER_PORT for torch.distributed, fixed per job
 * @param energyJoules energy its GPUs drew, in joules, summed over the nodes and attempts that reported
 *                   it (the agents integrate sampled GPU power); empty while nothing was reported
 */
public record Job(
        JobId id,
        JobSpec spec,
        JobState state,
        String reason,
        OptionalInt exitCode,
        Instant submitTime,
        Instant startTime,
        Instant endTime,
        List<NodeAllocation> allocation,
        int attempt,
        String outputPath,
        String errorPath,
        JobState endingAs,
        int masterPort,
        OptionalDouble energyJoules) {

    /** A job without an energy reading. */
    public Job(JobId id, JobSpec spec, JobState state, String reason, OptionalInt exitCode, Instant submitTime,
            Instant startTime, Instant endTime, List<NodeAllocation> allocation, int attempt, String outputPath,
            String errorPath, JobState endingAs, int masterPort) {
        this(id, spec, state, reason, exitCode, submitTime, startTime, endTime, allocation, attempt, outputPath,
                errorPath, endingAs, masterPort, OptionalDouble.empty());
    }

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(submitTime, "submitTime");
        allocation = List.copyOf(allocation);
        Objects.requireNonNull(outputPath, "outputPath");
        Objects.requireNonNull(errorPath, "errorPath");
        Objects.requireNonNull(energyJoules, "energyJoules");
    }

    /** A new PENDING job, its output paths resolved from the spec's patterns. */
    public static Job submitted(JobId id, JobSpec spec, Instant at, int masterPort) {
        String out = OutputPaths.resolve(outputPattern(spec), id, spec);
        String err = spec.errorPattern().isEmpty() ? "" : OutputPaths.resolve(spec.errorPattern(), id, spec);
        return new Job(id, spec, JobState.PENDING, "", OptionalInt.empty(), at, null, null, List.of(), 0, out, err,
                null, masterPort);
    }

    private static String outputPattern(JobSpec spec) {
        if (!spec.outputPattern().isEmpty()) {
            return spec.outputPattern();
        }
        return spec.array().isPresent() ? OutputPaths.DEFAULT_ARRAY_PATTERN : OutputPaths.DEFAULT_PATTERN;
    }

    /** The same job with another spec (a user's update: a new name or time limit); paths stay as resolved. */
    public Job withSpec(JobSpec newSpec) {
        return new Job(id, newSpec, state, reason, exitCode, submitTime, startTime, endTime, allocation, attempt,
                outputPath, errorPath, endingAs, masterPort, energyJoules);
    }

    /** How users name it: {@code 12}, or {@code 12_3} for an array task. */
    public String displayId() {
        return spec.array().map(JobArray::display).orElse(id.toString());
    }

    /** The node that runs the batch script, if allocated. */
    public Optional<String> batchNode() {
        return allocation.isEmpty() ? Optional.empty() : Optional.of(allocation.get(0).node());
    }

    public boolean isRunning() {
        return state == JobState.RUNNING;
    }

    /**
     * This job moved to {@code next}.
     *
     * @throws IllegalStateException when the transition table forbids it (a bug in the engine)
     */
    public Job movedTo(JobState next, String newReason) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("job " + id + ": " + state + " -> " + next + " is not allowed");
        }
        return new Job(id, spec, next, newReason, exitCode, submitTime, startTime, endTime, allocation, attempt,
                outputPath, errorPath, endingAs, masterPort, energyJoules);
    }

    /** RUNNING on {@code nodes}, as a new attempt. */
    public Job started(List<NodeAllocation> nodes, Instant at) {
        Job moved = movedTo(JobState.RUNNING, "");
        String out = outputPath;
        String err = errorPath;
        if (!nodes.isEmpty() && OutputPaths.needsNode(outputPattern(spec))) {
            out = OutputPaths.resolve(outputPattern(spec), id, spec, nodes.get(0).node());
        }
        if (!nodes.isEmpty() && !spec.errorPattern().isEmpty() && OutputPaths.needsNode(spec.errorPattern())) {
            err = OutputPaths.resolve(spec.errorPattern(), id, spec, nodes.get(0).node());
        }
        return new Job(id, spec, moved.state, "", OptionalInt.empty(), submitTime, at, null, nodes, attempt + 1,
                out, err, null, masterPort, energyJoules);
    }

    /** Ended in terminal state {@code end}; its allocation stays as the record of where it ran. */
    public Job ended(JobState end, String newReason, OptionalInt code, Instant at) {
        if (!end.isTerminal()) {
            throw new IllegalArgumentException("not a terminal state: " + end);
        }
        Job moved = movedTo(end, newReason);
        return new Job(id, spec, moved.state, newReason, code, submitTime, startTime, at, allocation, attempt,
                outputPath, errorPath, null, masterPort, energyJoules);
    }

    /** Back to PENDING after a node failure: same id, allocation dropped, the next start a new attempt. */
    public Job requeued(String newReason) {
        Job moved = movedTo(JobState.PENDING, newReason);
        return new Job(id, spec, moved.state, newReason, OptionalInt.empty(), submitTime, startTime, null, List.of(),
                attempt, outputPath, errorPath, null, masterPort, energyJoules);
    }

    /**
     * Still running, but its processes are being stopped; it will end as {@code end}, or go back to
     * the queue when {@code end} is PENDING (preempted with requeue).
     */
    public Job ending(JobState end, String newReason) {
        if (state != JobState.RUNNING || !(end.isTerminal() || end == JobState.PENDING)) {
            throw new IllegalStateException("job " + id + " in " + state + " cannot end as " + end);
        }
        return new Job(id, spec, state, newReason, exitCode, submitTime, startTime, endTime, allocation, attempt,
                outputPath, errorPath, end, masterPort, energyJoules);
    }

    /**
     * The same job, its attempt counter raised to at least {@code seen}: an agent reported that
     * attempt (say after a restore from a backup older than it), so the next start must be newer.
     */
    public Job fencedPast(int seen) {
        if (seen <= attempt) {
            return this;
        }
        return new Job(id, spec, state, reason, exitCode, submitTime, startTime, endTime, allocation, seen,
                outputPath, errorPath, endingAs, masterPort, energyJoules);
    }

    /**
     * The same job with {@code joules} more energy: one node's report of what its GPUs drew for one
     * attempt.
     */
    public Job withEnergyAdded(double joules) {
        return new Job(id, spec, state, reason, exitCode, submitTime, startTime, endTime, allocation, attempt,
                outputPath, errorPath, endingAs, masterPort, OptionalDouble.of(energyJoules.orElse(0) + joules));
    }

    /** Same state, another pending reason. */
    public Job withReason(String newReason) {
        if (newReason.equals(reason)) {
            return this;
        }
        return new Job(id, spec, state, newReason, exitCode, submitTime, startTime, endTime, allocation, attempt,
                outputPath, errorPath, endingAs, masterPort, energyJoules);
    }

    /** True when it is running and holds GPUs or a node slot on {@code node}. */
    public boolean holds(String node) {
        if (state != JobState.RUNNING) {
            return false;
        }
        for (NodeAllocation a : allocation) {
            if (a.node().equals(node)) {
                return true;
            }
        }
        return false;
    }
}
