package dev.rota.daemon.api;

import dev.rota.daemon.audit.AuditTrail;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * A unary call's observer that records the call in the audit trail before the caller hears the
 * answer: the caller's user and peer (read when the call starts, on its gRPC thread), the action
 * and target, and the outcome (OK, or the status code and description of the error).
 *
 * <p>The answer waits for the entry to be durable, so a caller told "done" can find its action in
 * {@code rota audit}. If the entry cannot be written the caller still gets the true answer (the
 * action already happened) and the daemon logs the lost entry at SEVERE.
 *
 * <p>Not thread-safe, like any {@link StreamObserver}: one unary answer, onNext then onCompleted,
 * or onError.
 */
final class Audited<T> implements StreamObserver<T> {
    private final AuditTrail trail;
    private final StreamObserver<T> delegate;
    private final String user;
    private final String peer;
    private final String action;
    private final String target;
    private final String detail;
    private T value;

    private Audited(AuditTrail trail, StreamObserver<T> delegate, String action, String target, String detail) {
        this.trail = trail;
        this.delegate = delegate;
        this.user = CallerIdentity.current();
        this.peer = CallerIdentity.peer();
        this.action = action;
        this.target = target;
        this.detail = detail;
    }

    /**
     * Wraps {@code observer} of the current call; call on the call's gRPC thread, where the caller
     * identity is known.
     */
    static <T> StreamObserver<T> call(AuditTrail trail, String action, String target, String detail,
            StreamObserver<T> observer) {
        return new Audited<>(trail, observer, action, target, detail);
    }

    @Override
    public void onNext(T v) {
        value = v;
    }

    @Override
    public void onError(Throwable t) {
        Status s = Status.fromThrowable(t);
        trail.record(user, action, target, detail, peer, s.getCode().name(),
                s.getDescription() == null ? "" : s.getDescription())
                .whenComplete((ok, e) -> delegate.onError(t));
    }

    @Override
    public void onCompleted() {
        T answer = value;
        trail.record(user, action, target, detail, peer, Status.Code.OK.name(), "").whenComplete((ok, e) -> {
            if (answer != null) {
                delegate.onNext(answer);
            }
            delegate.onCompleted();
        });
    }
}
