package dev.rota.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/**
 * What one {@link SubmitLoad} run does. Every run is bounded: at most {@link #MAX_CLIENTS} clients,
 * {@link #MAX_SECONDS} seconds of measurement, and only loopback targets.
 *
 * @param address     rotad to load ({@code HOST:PORT}, loopback only); empty: start one in this process
 * @param clients     concurrent closed-loop clients, each with exactly one call outstanding
 * @param connections gRPC connections (HTTP/2) the clients share round-robin
 * @param measure     length of the measured window
 * @param warmup      load before the window that is not counted (JIT, RocksDB, connection set-up)
 * @param mode        what each call is
 * @param setup       whether to prepare the target so that submitted jobs queue (see {@link Setup})
 * @param json        print one JSON line instead of the human summary
 */
public record LoadOptions(Optional<String> address, int clients, int connections, Duration measure, Duration warmup,
        Mode mode, Setup setup, boolean json) {
    public static final int MAX_CLIENTS = 4096;
    public static final int MAX_SECONDS = 600;

    /** What each call of the load is. */
    public enum Mode {
        /** {@code rota.api.v1.JobService/SubmitJob}: acknowledged only after a synced write. */
        SUBMIT,
        /** {@code grpc.health.v1.Health/Check}: the empty unary RPC, the ceiling for this transport and machine. */
        EMPTY
    }

    /** How the target is prepared before a submit load. */
    public enum Setup {
        /**
         * Register a scripted 8-GPU node and start one job holding all 8 GPUs, so that every job of the
         * load is feasible but queues PENDING (reason {@code Resources}, then {@code Priority}): a
         * pure-queue benchmark, no job runs.
         */
        BLOCKED_QUEUE,
        /** Submit as is (the target must already have capacity, or submits are refused as infeasible). */
        NONE
    }

    public LoadOptions {
        if (clients < 1 || clients > MAX_CLIENTS) {
            throw new IllegalArgumentException("--clients must be between 1 and " + MAX_CLIENTS);
        }
        if (connections < 1 || connections > clients) {
            throw new IllegalArgumentException("--connections must be between 1 and --clients");
        }
        if (measure.isNegative() || measure.isZero() || measure.toSeconds() > MAX_SECONDS) {
            throw new IllegalArgumentException("--seconds must be between 1 and " + MAX_SECONDS);
        }
        if (warmup.isNegative() || warmup.toSeconds() > MAX_SECONDS) {
            throw new IllegalArgumentException("--warmup must be between 0 and " + MAX_SECONDS);
        }
        address.ifPresent(LoadOptions::requireLoopback);
    }

    static final String USAGE = """
            Usage: SubmitLoad [--address HOST:PORT] [--clients N] [--connections C] [--seconds T]
                              [--warmup S] [--mode submit|empty] [--setup blocked-queue|none] [--json]

            Closed-loop load over real gRPC on loopback: N clients, each with one call outstanding,
            for S seconds of warm-up and T measured seconds. Prints acknowledged calls per second
            and p50/p99/max latency.

              --address HOST:PORT  an existing rotad on loopback (default: start one in-process on a
                                   temporary data directory). Use a fresh rotad without other nodes.
              --clients N          concurrent clients (default 64, at most 4096)
              --connections C      HTTP/2 connections shared by the clients (default min(N, 8))
              --seconds T          measured seconds (default 10, at most 600)
              --warmup S           unmeasured seconds before (default 3)
              --mode submit|empty  SubmitJob, or the empty Health/Check ceiling (default submit)
              --setup blocked-queue|none
                                   blocked-queue (default): register a scripted 8-GPU node and a job
                                   holding all of it, so submitted jobs queue PENDING and none runs
              --json               one JSON line instead of the summary
            """;

    /**
     * Parses command-line arguments.
     *
     * @throws IllegalArgumentException naming the bad argument
     */
    public static LoadOptions parse(String... args) {
        Optional<String> address = Optional.empty();
        int clients = 64;
        Integer connections = null;
        int seconds = 10;
        int warmup = 3;
        Mode mode = Mode.SUBMIT;
        Setup setup = Setup.BLOCKED_QUEUE;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--address" -> address = Optional.of(value(args, ++i, arg));
                case "--clients" -> clients = number(args, ++i, arg);
                case "--connections" -> connections = number(args, ++i, arg);
                case "--seconds" -> seconds = number(args, ++i, arg);
                case "--warmup" -> warmup = number(args, ++i, arg);
                case "--mode" -> mode = switch (value(args, ++i, arg)) {
                    case "submit" -> Mode.SUBMIT;
                    case "empty" -> Mode.EMPTY;
                    default -> throw new IllegalArgumentException("--mode must be submit or empty");
                };
                case "--setup" -> setup = switch (value(args, ++i, arg)) {
                    case "blocked-queue" -> Setup.BLOCKED_QUEUE;
                    case "none" -> Setup.NONE;
                    default -> throw new IllegalArgumentException("--setup must be blocked-queue or none");
                };
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        return new LoadOptions(address, clients, connections == null ? Math.min(clients, 8) : connections,
                Duration.ofSeconds(seconds), Duration.ofSeconds(warmup), mode, setup, json);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String[] args, int i, String option) {
        String v = value(args, i, option);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got '" + v + "'");
        }
    }

    /** The host part of {@code HOST:PORT}; IPv6 in brackets. */
    static String host(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--address must be HOST:PORT, got '" + address + "'");
        }
        String host = address.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static int port(String address) {
        try {
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--address must be HOST:PORT, got '" + address + "'");
        }
    }

    /** A load generator must never be pointed at another machine by accident. */
    private static void requireLoopback(String address) {
        String host = host(address);
        port(address);
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    throw new IllegalArgumentException("--address must be on loopback, got " + address);
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host in --address " + address);
        }
    }
}
