package dev.rota.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * The result of one measured window.
 *
 * @param mode        what was measured ({@code submit} or {@code empty})
 * @param clients     concurrent clients
 * @param connections HTTP/2 connections they shared
 * @param window      measured wall time
 * @param acked       calls that succeeded inside the window (for submits: acknowledged, hence durable)
 * @param failed      calls that failed inside the window
 * @param p50Micros   median latency of the acknowledged calls, microseconds
 * @param p99Micros   99th percentile latency, microseconds
 * @param maxMicros   largest latency, microseconds
 */
public record LoadReport(String mode, int clients, int connections, Duration window, long acked, long failed,
        long p50Micros, long p99Micros, long maxMicros) {

    /** Acknowledged calls per second of the window. */
    public double ackedPerSecond() {
        return acked / (window.toNanos() / 1e9);
    }

    /** The human summary. */
    public String summary() {
        return String.format(Locale.ROOT,
                "%s: %d clients over %d connections, %.1f s measured: %,.0f acked/s (%d acked, %d failed); "
                        + "latency p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                mode, clients, connections, window.toNanos() / 1e9, ackedPerSecond(), acked, failed,
                p50Micros / 1e3, p99Micros / 1e3, maxMicros / 1e3);
    }

    /** One JSON object on one line, for scripts. Field names are stable. */
    public String json() {
        return String.format(Locale.ROOT,
                "{\"mode\":\"%s\",\"clients\":%d,\"connections\":%d,\"seconds\":%.3f,\"acked\":%d,\"failed\":%d,"
                        + "\"acked_per_s\":%.1f,\"p50_us\":%d,\"p99_us\":%d,\"max_us\":%d}",
                mode, clients, connections, window.toNanos() / 1e9, acked, failed, ackedPerSecond(), p50Micros,
                p99Micros, maxMicros);
    }
}
