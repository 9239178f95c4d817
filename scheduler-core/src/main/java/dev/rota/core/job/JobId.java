package dev.rota.core.job;

/** A job's id: positive, assigned by the engine in submission order, never reused. */
public record JobId(long value) implements Comparable<JobId> {
    public JobId {
        if (value <= 0) {
            throw new IllegalArgumentException("job id must be positive: " + value);
        }
    }

    public static JobId of(long value) {
        return new JobId(value);
    }

    @Override
    public int compareTo(JobId other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
