package dev.rota.daemon.watch;

import dev.rota.api.v1.JobEvent;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.WatchJobsRequest;
import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.daemon.api.ApiMapping;
import dev.rota.daemon.loop.EngineLoop;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Fans the engine's published job changes out to {@code WatchJobs} streams.
 *
 * <p>The engine loop calls {@link #published} on its own thread after each durable step. That call
 * only compares each changed job with its previous value and {@code offer}s a small record to each
 * matching stream's bounded buffer ({@link #BUFFER} events): it never blocks and never does I/O. A
 * stream whose buffer is full is marked dropped and closed with {@code RESOURCE_EXHAUSTED}; the
 * engine goes on. Sending happens on a separate sender pool, one drain at a time per stream, and
 * only while gRPC says the stream is ready (flow control), so a slow client fills its own buffer and
 * nothing else.
 *
 * <p>Thread-safe: {@link #open} runs on gRPC threads, {@link #published} on the engine loop.
 */
public final class JobWatch implements EngineLoop.StepListener, AutoCloseable {
    /** Most events a stream may have waiting before it is dropped. */
    public static final int BUFFER = 4096;

    private final Supplier<ClusterSnapshot> snapshots;
    private final Function<Job, dev.rota.api.v1.Job> mapping;
    private final Clock clock;
    private final int buffer;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final ExecutorService senders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rota-watch-sender");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param snapshots the last published state (the initial listing of a new stream)
     * @param mapping   core job to API job, with estimates (runs on sender threads)
     */
    public JobWatch(Supplier<ClusterSnapshot> snapshots, Function<Job, dev.rota.api.v1.Job> mapping, Clock clock,
            int buffer) {
        this.snapshots = snapshots;
        this.mapping = mapping;
        this.clock = clock;
        this.buffer = buffer;
    }

    public JobWatch(Supplier<ClusterSnapshot> snapshots, Function<Job, dev.rota.api.v1.Job> mapping, Clock clock) {
        this(snapshots, mapping, clock, BUFFER);
    }

    /** How many streams are open (for tests and metrics). */
    public int open() {
        return streams.size();
    }

    /**
     * Opens a stream: registers it first (so no change published from now on is missed), then queues
     * the current state of the matching jobs. Jobs named in the request that do not exist fail the
     * call with NOT_FOUND.
     */
    public void open(WatchJobsRequest request, StreamObserver<JobEvent> observer) {
        ServerCallStreamObserver<JobEvent> call = (ServerCallStreamObserver<JobEvent>) observer;
        Set<Long> ids = new TreeSet<>(request.getJobIdsList());
        Stream stream = new Stream(call, ids, request.getUser());
        streams.add(stream);
        call.setOnCancelHandler(() -> streams.remove(stream));
        call.setOnReadyHandler(stream::schedule);
        ClusterSnapshot now = snapshots.get();
        List<Long> missing = new ArrayList<>();
        for (long id : ids) {
            if (now.job(JobId.of(id)).isEmpty()) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            streams.remove(stream);
            call.onError(Status.NOT_FOUND.withDescription((missing.size() == 1 ? "job " : "jobs ")
                    + String.join(", ", missing.stream().map(Long::toUnsignedString).toList())
                    + (missing.size() == 1 ? " does not exist" : " do not exist")
                    + " (or finished long ago: see rota history)").asRuntimeException());
            return;
        }
        Instant at = clock.instant();
        List<Pending> initial = new ArrayList<>();
        if (ids.isEmpty()) {
            for (Job j : now.jobs().values()) {
                if (!j.state().isTerminal() && stream.matches(j)) {
                    initial.add(new Pending(j, null, at, true));
                }
            }
        } else {
            for (long id : ids) {
                now.job(JobId.of(id)).filter(stream::matches).ifPresent(j -> initial.add(new Pending(j, null, at, true)));
            }
        }
        stream.offerAll(initial);
    }

    /** On the engine loop: queue each changed job for the streams that watch it. Never blocks. */
    @Override
    public void published(ClusterSnapshot before, ClusterSnapshot after, List<StateChange> changes) {
        if (streams.isEmpty()) {
            return;
        }
        Instant at = null;
        for (StateChange change : changes) {
            if (!(change instanceof StateChange.JobUpserted upserted)) {
                continue;
            }
            Job job = upserted.job();
            var previous = before.job(job.id());
            if (previous.isPresent() && previous.get().state() == job.state()
                    && previous.get().reason().equals(job.reason())) {
                continue; // nothing a watcher sees changed (usage, estimates)
            }
            if (at == null) {
                at = clock.instant();
            }
            Pending event = new Pending(job, previous.map(Job::state).orElse(null), at, false);
            for (Stream s : streams) {
                if (s.matches(job)) {
                    s.offer(event);
                }
            }
        }
    }

    @Override
    public void stopped(String why) {
        for (Stream s : streams) {
            s.fail(Status.UNAVAILABLE.withDescription("the scheduler stopped: " + why));
        }
    }

    @Override
    public void stepped(int events, long stepNanos, long commitNanos) {
    }

    @Override
    public void close() {
        for (Stream s : streams) {
            s.fail(Status.UNAVAILABLE.withDescription("the daemon is shutting down"));
        }
        senders.shutdown();
    }

    /** A change waiting to be sent; mapped to the wire type on a sender thread. */
    private record Pending(Job job, dev.rota.core.job.JobState previous, Instant at, boolean initial) {
    }

    /** One open WatchJobs call and its bounded buffer. */
    private final class Stream {
        private final ServerCallStreamObserver<JobEvent> call;
        private final Set<Long> ids;
        private final String user;
        /** Jobs named in the request that have not ended yet (sender thread only). */
        private final Set<Long> unfinished;
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private boolean draining;
        private boolean done;
        /** Set when the stream must end with an error; sent by the next drain. */
        private Status failure;

        Stream(ServerCallStreamObserver<JobEvent> call, Set<Long> ids, String user) {
            this.call = call;
            this.ids = ids;
            this.user = user;
            this.unfinished = new TreeSet<>(ids);
        }

        boolean matches(Job job) {
            return (ids.isEmpty() || ids.contains(job.id().value()))
                    && (user.isEmpty() || user.equals(job.spec().user()));
        }

        synchronized void offerAll(List<Pending> events) {
            for (Pending p : events) {
                offerLocked(p);
            }
            scheduleLocked();
        }

        synchronized void offer(Pending event) {
            offerLocked(event);
            scheduleLocked();
        }

        private void offerLocked(Pending event) {
            if (done || failure != null) {
                return;
            }
            if (queue.size() >= buffer) {
                queue.clear();
                streams.remove(this);
                failure = Status.RESOURCE_EXHAUSTED.withDescription("watch dropped: this client fell " + buffer
                        + " changes behind (reading too slowly); start it again");
                return;
            }
            queue.add(event);
        }

        synchronized void schedule() {
            scheduleLocked();
        }

        private void scheduleLocked() {
            if (!draining && !done && (failure != null || !queue.isEmpty())) {
                draining = true;
                senders.execute(this::drain);
            }
        }

        /**
         * Sends queued events while the call is ready, or the failure; on a sender thread, one drain
         * at a time per stream, so the observer is never used from two threads at once.
         */
        private void drain() {
            while (true) {
                Pending next;
                Status failed;
                synchronized (this) {
                    failed = failure;
                    next = null;
                    if (failed != null) {
                        done = true;
                    } else if (done || queue.isEmpty() || !call.isReady()) {
                        draining = false;
                        return;
                    } else {
                        next = queue.poll();
                    }
                }
                if (failed != null) {
                    try {
                        call.onError(failed.asRuntimeException());
                    } catch (RuntimeException e) {
                        // already closed by the client
                    }
                    return;
                }
                if (!send(next)) {
                    return;
                }
            }
        }

        /** @return false once the stream is over */
        private boolean send(Pending p) {
            JobEvent.Builder event = JobEvent.newBuilder().setJob(mapping.apply(p.job()))
                    .setAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(p.at().getEpochSecond())
                            .setNanos(p.at().getNano()))
                    .setInitial(p.initial())
                    .setPreviousState(p.previous() == null ? JobState.JOB_STATE_UNSPECIFIED : ApiMapping.state(p.previous()));
            try {
                call.onNext(event.build());
                if (p.job().state().isTerminal()) {
                    unfinished.remove(p.job().id().value());
                    if (!ids.isEmpty() && unfinished.isEmpty()) {
                        synchronized (this) {
                            done = true;
                            draining = false;
                        }
                        streams.remove(this);
                        call.onCompleted();
                        return false;
                    }
                }
                return true;
            } catch (RuntimeException e) {
                // The client went away (cancelled call): forget the stream.
                synchronized (this) {
                    done = true;
                    draining = false;
                }
                streams.remove(this);
                return false;
            }
        }

        synchronized void fail(Status status) {
            if (!done && failure == null) {
                queue.clear();
                failure = status;
                streams.remove(this);
                scheduleLocked();
            }
        }
    }
}
