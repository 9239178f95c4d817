package dev.rota.agent.link;

import dev.rota.agent.v1.AgentMessage;
import dev.rota.agent.v1.AgentServiceGrpc;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.Registered;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A stand-in for rotad's AgentService on the in-process transport: records every agent message,
 * answers Register with Registered, and lets the test send commands on the latest stream. Can be
 * stopped and started again under the same name.
 */
public final class FakeDaemon implements AutoCloseable {

    private final String name;
    private final boolean loopback;
    private int port;
    private final BlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
    private Server server;
    private StreamObserver<DaemonMessage> current;

    /** On the in-process transport under {@code name}. */
    public FakeDaemon(String name) {
        this.name = name;
        this.loopback = false;
    }

    private FakeDaemon() {
        this.name = null;
        this.loopback = true;
    }

    /** On 127.0.0.1, an ephemeral port at first start and the same port after a restart. */
    public static FakeDaemon loopback() {
        return new FakeDaemon();
    }

    /** host:port of a loopback daemon. */
    public synchronized String target() {
        return "127.0.0.1:" + port;
    }

    public synchronized FakeDaemon start() {
        try {
            ServerBuilder<?> builder = loopback
                    ? NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    : InProcessServerBuilder.forName(name);
            server = builder.addService(new AgentServiceGrpc.AgentServiceImplBase() {
                @Override
                public StreamObserver<AgentMessage> connect(StreamObserver<DaemonMessage> responses) {
                    return new StreamObserver<>() {
                        @Override
                        public void onNext(AgentMessage m) {
                            if (m.hasRegister()) {
                                synchronized (FakeDaemon.this) {
                                    current = responses;
                                    responses.onNext(DaemonMessage.newBuilder().setRegistered(
                                            Registered.newBuilder().setNodeName(m.getRegister().getNodeName())).build());
                                }
                            }
                            // Recorded last, so a test that saw the Register can already send on this stream.
                            received.add(m);
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                            responses.onCompleted();
                        }
                    };
                }
            }).build().start();
            port = server.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public synchronized void stop() {
        current = null;
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void send(DaemonMessage m) {
        current.onNext(m);
    }

    /** The next received message that matches, skipping others (heartbeats, usually). */
    public AgentMessage next(Duration timeout, Predicate<AgentMessage> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            AgentMessage m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no matching agent message within " + timeout.toMillis() + " ms");
            }
            if (wanted.test(m)) {
                return m;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
