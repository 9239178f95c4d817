package dev.rota.agent.exec;

import dev.rota.agent.v1.AllocationRef;
import java.util.Comparator;

/** One run of a job: {@code attempt} grows each time the job is (re)started. Ordered by job, then attempt. */
public record AllocationId(long jobId, int attempt) implements Comparable<AllocationId> {

    private static final Comparator<AllocationId> ORDER = Comparator
            .comparing(AllocationId::jobId, Long::compareUnsigned)
            .thenComparing(AllocationId::attempt, Integer::compareUnsigned);

    public static AllocationId of(AllocationRef ref) {
        return new AllocationId(ref.getJobId(), ref.getAttempt());
    }

    public AllocationRef toProto() {
        return AllocationRef.newBuilder().setJobId(jobId).setAttempt(attempt).build();
    }

    @Override
    public int compareTo(AllocationId o) {
        return ORDER.compare(this, o);
    }

    /** {@code <job>.<attempt>}, as in the spool directory name. */
    @Override
    public String toString() {
        return Long.toUnsignedString(jobId) + "." + Integer.toUnsignedString(attempt);
    }
}
