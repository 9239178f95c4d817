package dev.rota.core.engine;

import dev.rota.core.policy.Policy;
import java.time.Duration;

/**
 * Engine settings. Pure values: the same config and events give the same results.
 *
 * @param defaultPartition the partition every node belongs to and jobs without one use
 * @param defaultAccount   the account of jobs that name none
 * @param killGrace        time between SIGTERM and SIGKILL when cancelling or timing out
 * @param masterPortBase   first MASTER_PORT; a job gets {@code base + id % masterPortSpan}
 * @param masterPortSpan   how many ports the MASTER_PORT range covers
 * @param nodeDownTimeout  how long a node may be away (agent disconnected) before it is declared DOWN
 *                         and its jobs are requeued or failed; also the grace after a restart for
 *                         agents to report the jobs they run
 * @param requeueLimit     how many times a job is requeued after node failures before it ends NODE_FAIL
 * @param reservations     how many blocked jobs (in priority order) get a reservation that backfill
 *                         must not delay; jobs behind them start only where they fit now
 * @param finishedInMemory how many finished jobs the engine keeps (most recently ended first) for
 *                         queries; older ones live only in the store's history (Slurm's MinJobAge,
 *                         by count rather than time so that it stays deterministic)
 * @param policy           accounts, users, QoS and priority weights; {@link Policy#open} of
 *                         {@code defaultAccount} when the daemon has no policy file
 * @param cancelUnsatisfiable whether a job whose dependency can never be met is cancelled (Slurm's
 *                         {@code kill_invalid_depend}) rather than left pending with reason
 *                         {@code DependencyNeverSatisfied}
 */
public record EngineConfig(String defaultPartition, String defaultAccount, Duration killGrace, int masterPortBase,
        int masterPortSpan, Duration nodeDownTimeout, int requeueLimit, int reservations, int finishedInMemory,
        Policy policy, boolean cancelUnsatisfiable) {

    public EngineConfig(String defaultPartition, String defaultAccount, Duration killGrace, int masterPortBase,
            int masterPortSpan, Duration nodeDownTimeout, int requeueLimit, int reservations, int finishedInMemory,
            Policy policy) {
        this(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan, nodeDownTimeout,
                requeueLimit, reservations, finishedInMemory, policy, false);
    }

    public EngineConfig withCancelUnsatisfiable(boolean cancel) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, finishedInMemory, policy, cancel);
    }

    public static EngineConfig defaults() {
        return new EngineConfig("main", "default", Duration.ofSeconds(10), 12000, 20000, Duration.ofSeconds(10), 3,
                8, 10_000, Policy.open("default"));
    }

    public EngineConfig withReservations(int count) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, count, finishedInMemory, policy, cancelUnsatisfiable);
    }

    public EngineConfig withFinishedInMemory(int count) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, count, policy, cancelUnsatisfiable);
    }

    public EngineConfig withKillGrace(Duration grace) {
        return new EngineConfig(defaultPartition, defaultAccount, grace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, finishedInMemory, policy, cancelUnsatisfiable);
    }

    public EngineConfig withNodeDownTimeout(Duration timeout) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan, timeout,
                requeueLimit, reservations, finishedInMemory, policy, cancelUnsatisfiable);
    }

    public EngineConfig withRequeueLimit(int limit) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, limit, reservations, finishedInMemory, policy, cancelUnsatisfiable);
    }

    public EngineConfig withPolicy(Policy newPolicy) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, finishedInMemory, newPolicy, cancelUnsatisfiable);
    }
}
