package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.cli.channel.ChannelFactory;
import dev.rota.cli.channel.DaemonAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How rota finds the daemon, and what it says when it cannot. */
class DaemonConnectionTest {

    /** A loopback port nothing listens on: bound, then closed again. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Caller withEnvironment(Map<String, String> environment) {
        return new Caller("alice", environment, Path.of("/home/alice"), new ByteArrayInputStream(new byte[0]));
    }

    @Test
    void anUnreachableDaemonFailsWithExit1NamingTheAddress() throws IOException {
        String address = "127.0.0.1:" + closedPort();
        RotaCli rota = new RotaCli(ChannelFactory.plaintext(), withEnvironment(Map.of()), FakeRotad.CLOCK);

        var result = FakeRotad.run(rota, "--address", address, "queue");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("rota: cannot reach the Rota daemon at " + address
                + " (connection refused; address from --address). Is rotad running? Set --address, ROTA_ADDRESS or "
                + "the config file (rota config shows which is used).\n");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void cancellingManyJobsAtAnUnreachableDaemonSaysSoOnce() throws IOException {
        String address = "127.0.0.1:" + closedPort();
        RotaCli rota = new RotaCli(ChannelFactory.plaintext(), withEnvironment(Map.of()), FakeRotad.CLOCK);

        var result = FakeRotad.run(rota, "--address", address, "cancel", "1", "2", "3");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().lines()).hasSize(1).first().asString().contains("cannot reach the Rota daemon");
    }

    @Test
    void theAddressComesFromTheFlagAnywhereThenRotaAddressThenTheDefault() {
        List<DaemonAddress> dialled = new ArrayList<>();
        try (FakeRotad rotad = new FakeRotad()) {
            ChannelFactory recording = address -> {
                dialled.add(address);
                return rotad.channels().open(address);
            };
            Caller configured = withEnvironment(Map.of("ROTA_ADDRESS", "rotad.example:7443"));

            FakeRotad.run(new RotaCli(recording, configured, FakeRotad.CLOCK), "--address", "[::1]:9000", "nodes");
            FakeRotad.run(new RotaCli(recording, configured, FakeRotad.CLOCK), "nodes", "--address", "10.1.2.3:7070");
            FakeRotad.run(new RotaCli(recording, configured, FakeRotad.CLOCK), "nodes");
            FakeRotad.run(new RotaCli(recording, withEnvironment(Map.of()), FakeRotad.CLOCK), "nodes");
        }

        assertThat(dialled).containsExactly(new DaemonAddress("::1", 9000), new DaemonAddress("10.1.2.3", 7070),
                new DaemonAddress("rotad.example", 7443),
                new DaemonAddress("127.0.0.1", 7070));
    }

    @Test
    void aMalformedAddressIsAUsageError() {
        try (FakeRotad rotad = new FakeRotad()) {
            var result = FakeRotad.run(new RotaCli(rotad.channels(), withEnvironment(Map.of()), FakeRotad.CLOCK),
                    "--address", "rotad", "queue");

            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.err()).startsWith("rota: invalid daemon address 'rotad' (use HOST:PORT, e.g. 127.0.0.1:7070) "
                    + "from --address\n");
            assertThat(rotad.callers).isEmpty();
        }
    }

    @Test
    void theChannelIsShutDownWhenTheCommandEnds() {
        List<io.grpc.ManagedChannel> opened = new ArrayList<>();
        try (FakeRotad rotad = new FakeRotad()) {
            ChannelFactory recording = address -> {
                io.grpc.ManagedChannel channel = rotad.channels().open(address);
                opened.add(channel);
                return channel;
            };
            FakeRotad.run(new RotaCli(recording, withEnvironment(Map.of()), FakeRotad.CLOCK), "nodes");
        }

        assertThat(opened).hasSize(1);
        assertThat(opened.getFirst().isShutdown()).isTrue();
    }
}
