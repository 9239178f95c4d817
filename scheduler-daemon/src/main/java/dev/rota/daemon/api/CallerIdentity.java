package dev.rota.daemon.api;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The one place the daemon learns who is calling. Today it trusts the {@code rota-user} header the
 * CLI sends (the local Unix user); authentication (mTLS, tokens) will replace this class and nothing
 * else. Endpoints read the caller only through {@link #current()}, and where the call came from
 * through {@link #peer()}.
 */
public final class CallerIdentity implements ServerInterceptor {
    public static final Metadata.Key<String> USER_HEADER =
            Metadata.Key.of("rota-user", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> CALLER = Context.key("rota-caller");
    private static final Context.Key<String> PEER = Context.key("rota-peer");

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        String user = headers.get(USER_HEADER);
        if (user == null || user.isBlank() || !user.matches("[A-Za-z0-9._@-]{1,64}")) {
            call.close(Status.UNAUTHENTICATED.withDescription(
                    "missing or malformed caller identity (the rota-user header must be a user name)"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, user)
                .withValue(PEER, address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR))), call, headers, next);
    }

    /** {@code host:port} for an IP peer, else the address as the transport names it; empty when unknown. */
    static String address(SocketAddress peer) {
        if (peer instanceof InetSocketAddress ip) {
            String host = ip.getAddress() != null ? ip.getAddress().getHostAddress() : ip.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + ip.getPort();
        }
        return peer == null ? "" : peer.toString();
    }

    /**
     * Where the current gRPC call came from, as its transport saw it: {@code 127.0.0.1:52814},
     * {@code [::1]:52814}, or for the in-process transport its name; empty when unknown.
     */
    public static String peer() {
        String peer = PEER.get();
        return peer == null ? "" : peer;
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
