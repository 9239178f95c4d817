package dev.rota.core.job;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A job's place in a job array. An array is kept the way Slurm keeps it: one pending record holds
 * every task not yet started as compact {@link ArrayIndexes}; when a task starts it takes that
 * record's id and the tasks left move to a record with the next id. So the first task's id is the
 * array's id, and a pending array of 10,000 tasks is one job in each scheduling cycle.
 *
 * @param arrayJobId the array's id ({@code %A}, {@code SLURM_ARRAY_JOB_ID})
 * @param taskId     this task's index ({@code %a}); empty for the record of the tasks not yet started
 * @param pending    the tasks not yet started (empty for a task)
 * @param count      how many tasks the array was submitted with ({@code SLURM_ARRAY_TASK_COUNT})
 * @param min        lowest index submitted ({@code SLURM_ARRAY_TASK_MIN})
 * @param max        highest index submitted ({@code SLURM_ARRAY_TASK_MAX})
 * @param step       {@code SLURM_ARRAY_TASK_STEP}
 * @param throttle   most tasks running at once ({@code %N}); 0 for no limit
 */
public record JobArray(long arrayJobId, OptionalInt taskId, ArrayIndexes pending, int count, int min, int max,
        int step, int throttle) {
    public JobArray {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(pending, "pending");
        if (throttle < 0) {
            throw new IllegalArgumentException("throttle must not be negative: " + throttle);
        }
        if (taskId.isPresent() && !pending.isEmpty()) {
            throw new IllegalArgumentException("a task has no pending indexes");
        }
    }

    /** The record of a newly submitted array: every index pending, its id still to be given. */
    public static JobArray submitted(ArrayIndexes indexes, int throttle) {
        if (indexes.isEmpty()) {
            throw new IllegalArgumentException("an array needs at least one index");
        }
        return new JobArray(0, OptionalInt.empty(), indexes, indexes.count(), indexes.min().getAsInt(),
                indexes.max().getAsInt(), indexes.step(), throttle);
    }

    /** Whether this is the record of the tasks not yet started. */
    public boolean isRemainder() {
        return taskId.isEmpty();
    }

    public JobArray withArrayJobId(long id) {
        return new JobArray(id, taskId, pending, count, min, max, step, throttle);
    }

    /** Task {@code index} of this array, split off the pending record. */
    public JobArray task(int index) {
        return new JobArray(arrayJobId, OptionalInt.of(index), ArrayIndexes.empty(), count, min, max, step, throttle);
    }

    public JobArray withPending(ArrayIndexes left) {
        return new JobArray(arrayJobId, taskId, left, count, min, max, step, throttle);
    }

    public JobArray withThrottle(int limit) {
        return new JobArray(arrayJobId, taskId, pending, count, min, max, step, limit);
    }

    /** How squeue names it: {@code 12_3} for a task, {@code 12_[4-9%2]} for the tasks not yet started. */
    public String display() {
        if (taskId.isPresent()) {
            return arrayJobId + "_" + taskId.getAsInt();
        }
        return arrayJobId + "_[" + pending + (throttle > 0 ? "%" + throttle : "") + "]";
    }
}
