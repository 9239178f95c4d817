package dev.rota.daemon.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts every finished gRPC call by method and status code ({@code rota_grpc_server_handled_total}),
 * and job submissions by outcome ({@code rota_job_submissions_total}), as a server interceptor.
 *
 * <p>Labels stay bounded: only methods of registered services reach an interceptor (grpc-java answers
 * unknown methods itself), and codes are the 17 of {@link Status.Code}. A call costs one map lookup
 * and one counter increment when it closes. Thread-safe.
 */
public final class GrpcMetrics implements ServerInterceptor {
    /** The submit method, whose outcomes are also counted as submissions. */
    static final String SUBMIT_METHOD = "rota.api.v1.JobService/SubmitJob";

    private final MeterRegistry registry;
    private final Map<String, Counter[]> byMethod = new ConcurrentHashMap<>();
    private final Counter[] submissions = new Counter[Status.Code.values().length];

    GrpcMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Status.Code code : Status.Code.values()) {
            submissions[code.ordinal()] = Counter.builder("rota_job_submissions_total")
                    .description("Job submissions by outcome: accepted (queued), rejected (could never run here), "
                            + "invalid (a malformed request) or error (not decided: daemon stopping or overloaded)")
                    .tag("outcome", submissionOutcome(code)).register(registry);
        }
    }

    /** The outcome label of a SubmitJob call that closed with {@code code}. */
    static String submissionOutcome(Status.Code code) {
        return switch (code) {
            case OK -> "accepted";
            case FAILED_PRECONDITION, PERMISSION_DENIED -> "rejected";
            case INVALID_ARGUMENT -> "invalid";
            default -> "error";
        };
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Counter[] counters = byMethod.computeIfAbsent(method, m -> new Counter[Status.Code.values().length]);
        boolean submit = SUBMIT_METHOD.equals(method);
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                int code = status.getCode().ordinal();
                Counter c = counters[code];
                if (c == null) {
                    // Benign race: two threads may build the same counter; the registry returns one meter.
                    c = Counter.builder("rota_grpc_server_handled_total")
                            .description("gRPC calls finished, by full method name and status code")
                            .tag("method", method).tag("code", status.getCode().name()).register(registry);
                    counters[code] = c;
                }
                c.increment();
                if (submit) {
                    submissions[code].increment();
                }
                super.close(status, trailers);
            }
        }, headers);
    }
}
