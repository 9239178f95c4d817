package dev.rota.daemon.api;

import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.NodeServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.health.v1.HealthGrpc;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Chooses where each gRPC call's handler runs: the calls that only validate a request and queue an
 * event for the engine loop (or read memory) run inline on the transport thread that decoded them;
 * everything else (RocksDB reads such as a cancel of a long-finished job, backups, large
 * listings, agent streams) keeps gRPC's default
 * executor.
 *
 * <p>Why: on a small machine the hand-off of each call from Netty's event loop to the handler pool
 * costs about as much CPU as the call itself (measured in docs/BENCHMARKS.md). An inline handler
 * must never block: the methods listed here validate in memory and end in {@code EngineLoop.submit}, which only offers to
 * a bounded queue, and their replies are sent later from the loop thread.
 */
public final class InlineCalls implements ServerCallExecutorSupplier {
    /** Full method names (service/method) whose handlers never block. */
    static final Set<String> NON_BLOCKING = Set.of(
            JobServiceGrpc.getSubmitJobMethod().getFullMethodName(),
            NodeServiceGrpc.getDrainNodeMethod().getFullMethodName(),
            NodeServiceGrpc.getResumeNodeMethod().getFullMethodName(),
            HealthGrpc.getCheckMethod().getFullMethodName());

    private static final Executor INLINE = Runnable::run;

    @Override
    public <Q, A> Executor getExecutor(ServerCall<Q, A> call, Metadata headers) {
        // null means "use the server's default executor"
        return NON_BLOCKING.contains(call.getMethodDescriptor().getFullMethodName()) ? INLINE : null;
    }

    /** Whether calls to {@code fullMethodName} run inline on the transport thread. */
    public static boolean runsInline(String fullMethodName) {
        return NON_BLOCKING.contains(fullMethodName);
    }
}
