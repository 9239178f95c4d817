package dev.rota.it;

import dev.rota.api.v1.JobSpec;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the test's clients sent and what rotad acknowledged, across every daemon life. Each submission
 * has a unique job name, so a stored job names the submission it came from.
 *
 * <p>Thread-safe: many client threads record, the test thread reads.
 */
final class SubmissionLedger {
    /** Every submission by name, recorded before it is sent. */
    private final Map<String, JobSpec> sent = new ConcurrentHashMap<>();
    /** Acknowledged submissions: name to the id rotad answered. */
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    /** Acknowledged ids to the name they were given for; an id given twice is a violation. */
    private final Map<Long, String> ids = new ConcurrentHashMap<>();
    /** Names whose call failed: they may or may not have been stored. */
    private final Map<String, Status.Code> failed = new ConcurrentHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ackedMore = lock.newCondition();
    private long ackCount;

    void sending(String name, JobSpec spec) {
        if (sent.putIfAbsent(name, spec) != null) {
            throw new IllegalStateException("the test sent job name " + name + " twice");
        }
    }

    void acknowledged(String name, long id) {
        acknowledged.put(name, id);
        String earlier = ids.putIfAbsent(id, name);
        lock.lock();
        try {
            if (earlier != null) {
                violations.add("id " + id + " acknowledged for " + earlier + " and again for " + name);
            }
            ackCount++;
            ackedMore.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void failed(String name, Status.Code code) {
        failed.put(name, code);
    }

    /** A failure the crash cannot explain (say, INVALID_ARGUMENT). */
    void violation(String what) {
        lock.lock();
        try {
            violations.add(what);
        } finally {
            lock.unlock();
        }
    }

    long acknowledgedCount() {
        lock.lock();
        try {
            return ackCount;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code count} submissions have been acknowledged in all, or {@code timeout} passes.
     *
     * @return whether the count was reached
     */
    boolean awaitAcknowledged(long count, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (ackCount < count) {
                if (left <= 0) {
                    return false;
                }
                left = ackedMore.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    JobSpec sentSpec(String name) {
        return sent.get(name);
    }

    Map<String, Long> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    Map<String, Status.Code> failures() {
        return Map.copyOf(failed);
    }

    List<String> violations() {
        lock.lock();
        try {
            return List.copyOf(violations);
        } finally {
            lock.unlock();
        }
    }
}
