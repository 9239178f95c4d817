package dev.rota.cli.channel;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * Tells the daemon who is calling: sets the {@code rota-user} metadata header on every call. This
 * is the only place the CLI states its identity (the API never carries the user in a request
 * field); when Rota moves to mTLS or tokens, this class is what changes. Thread-safe.
 */
public final class UserHeaderInterceptor implements ClientInterceptor {
    /** The header {@code rotad} reads the caller's user name from. */
    public static final Metadata.Key<String> ROTA_USER =
            Metadata.Key.of("rota-user", Metadata.ASCII_STRING_MARSHALLER);

    private final String user;

    /** @param user the local user name, e.g. {@code System.getProperty("user.name")} */
    public UserHeaderInterceptor(String user) {
        this.user = user;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(ROTA_USER, user);
                super.start(listener, headers);
            }
        };
    }
}
