package dev.rota.cli.channel;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives every call that has no deadline one that starts when the call does, so a stub reused for
 * many calls (cancelling a list of jobs) never shares one deadline. Thread-safe.
 */
public final class DeadlineInterceptor implements ClientInterceptor {
    private final Duration timeout;

    /** @param timeout how long each call may take, from its start */
    public DeadlineInterceptor(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        CallOptions withDeadline = options.getDeadline() == null
                ? options.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                : options;
        return next.newCall(method, withDeadline);
    }
}
