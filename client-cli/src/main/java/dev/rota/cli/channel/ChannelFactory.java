package dev.rota.cli.channel;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

/**
 * Opens the channel the CLI talks to {@code rotad} over. The CLI opens at most one channel per
 * invocation, lazily (so {@code --help} opens none), and shuts it down before it returns; the
 * factory hands over ownership. Tests pass a factory that returns an in-process channel.
 */
@FunctionalInterface
public interface ChannelFactory {

    /** A new channel to {@code address}; connecting may happen later, on the first call. */
    ManagedChannel open(DaemonAddress address);

    /** Plaintext HTTP/2 over TCP (Netty), what {@code rota} uses in production. */
    static ChannelFactory plaintext() {
        return address -> Grpc.newChannelBuilderForAddress(
                address.host(), address.port(), InsecureChannelCredentials.create()).build();
    }
}
