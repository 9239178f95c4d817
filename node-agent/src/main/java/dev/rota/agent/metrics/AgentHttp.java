package dev.rota.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The agent's HTTP port: {@code /metrics} (Prometheus text format), {@code /healthz} (process up)
 * and {@code /readyz} (200 while registered with the daemon, with its GPUs discovered; 503 else).
 * The JDK's HTTP server on one thread: a node is scraped by one or two Prometheus servers at most.
 * The same shape as rotad's {@code HttpEndpoints}, which the agent cannot depend on.
 */
public final class AgentHttp implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * Binds {@code listen} (port 0: any free port) and starts serving.
     *
     * @throws IOException when the address cannot be bound
     */
    public AgentHttp(InetSocketAddress listen, Supplier<String> metrics, BooleanSupplier ready) throws IOException {
        server = HttpServer.create(listen, 16);
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.get()));
        server.createContext("/healthz", ex -> respond(ex, 200, "text/plain", "ok\n"));
        server.createContext("/readyz", ex -> {
            boolean ok = ready.getAsBoolean();
            respond(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
        });
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rota-agent-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void respond(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops serving at once. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
