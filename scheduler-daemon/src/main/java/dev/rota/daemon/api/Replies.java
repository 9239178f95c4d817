package dev.rota.daemon.api;

import dev.rota.core.engine.Outcome;
import dev.rota.daemon.loop.EngineLoop;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/** Turns engine outcomes into gRPC replies or statuses, in one place. */
final class Replies {
    private Replies() {
    }

    /**
     * Answers {@code observer} when {@code outcome} completes: {@code onSuccess} maps a non-rejected
     * outcome to the response; rejections and a stopped loop become statuses with their message.
     */
    static <T> void answer(CompletableFuture<Outcome> outcome, StreamObserver<T> observer,
            Function<Outcome, T> onSuccess) {
        outcome.whenComplete((o, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                Status status = cause instanceof EngineLoop.LoopStopped
                        ? Status.UNAVAILABLE.withDescription(cause.getMessage())
                        : Status.INTERNAL.withDescription(String.valueOf(cause.getMessage()));
                observer.onError(status.asRuntimeException());
                return;
            }
            if (o instanceof Outcome.Rejected r) {
                observer.onError(status(r).asRuntimeException());
                return;
            }
            try {
                observer.onNext(onSuccess.apply(o));
                observer.onCompleted();
            } catch (StatusRuntimeException e) {
                observer.onError(e);
            }
        });
    }

    static Status status(Outcome.Rejected r) {
        Status s = switch (r.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case INFEASIBLE -> Status.FAILED_PRECONDITION;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
        };
        return s.withDescription(r.message());
    }
}
