package dev.rota.daemon.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The one place the daemon learns who is calling. Today it trusts the {@code rota-user} header the
 * CLI sends (the local Unix user); authentication (mTLS, tokens) will replace this class and nothing
 * else. Endpoints read the caller only through {@link #current()}.
 */
public final class CallerIdentity implements ServerInterceptor {
    public static final Metadata.Key<String> USER_HEADER =
            Metadata.Key.of("rota-user", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> CALLER = Context.key("rota-caller");

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        String user = headers.get(USER_HEADER);
        if (user == null || user.isBlank() || !user.matches("[A-Za-z0-9._@-]{1,64}")) {
            call.close(Status.UNAUTHENTICATED.withDescription(
                    "missing or malformed caller identity (the rota-user header must be a user name)"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, user), call, headers, next);
    }

    /** The calling user of the current gRPC call. */
    public static String current() {
        String user = CALLER.get();
        if (user == null) {
            throw new IllegalStateException("no caller identity: is CallerIdentity installed on this server?");
        }
        return user;
    }
}
