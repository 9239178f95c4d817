package dev.rota.core.engine;

import dev.rota.core.policy.Policy;
import dev.rota.core.topology.Topology;
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
 * @param backfill         whether a job may start ahead of a higher-ranked job that cannot start yet
 *                         (true, the default: backfill within the reservations); false gives a strict
 *                         queue where nothing passes the first blocked job (plain FIFO when the
 *                         priority weights are all zero). For comparisons in the simulator.
 * @param queueOrder       what ranks the pending queue: the multifactor priority (the default), or
 *                         the shortest time limit first (shortest-job-first on the users' estimates)
 * @param topology         the network nodes sit in, for placement; {@link Topology#flat} when the
 *                         daemon has no topology file
 * @param cancelUnsatisfiable whether a job whose dependency can never be met is cancelled (Slurm's
 *                         {@code kill_invalid_depend}) rather than left pending with reason
 *                         {@code DependencyNeverSatisfied}
 */
public record EngineConfig(String defaultPartition, String defaultAccount, Duration killGrace, int masterPortBase,
        int masterPortSpan, Duration nodeDownTimeout, int requeueLimit, int reservations, int finishedInMemory,
        Policy policy, boolean backfill, QueueOrder queueOrder, Topology topology, boolean cancelUnsatisfiable) {

    /** What ranks the pending queue; partition tiers always come first. */
    public enum QueueOrder {
        /** Highest multifactor priority first, ties in submission (id) order. */
        PRIORITY,
        /** Shortest time limit first, ties in submission (id) order; the priority is still judged and shown. */
        SHORTEST_LIMIT
    }

    public EngineConfig {
        java.util.Objects.requireNonNull(policy, "policy");
        java.util.Objects.requireNonNull(queueOrder, "queueOrder");
        java.util.Objects.requireNonNull(topology, "topology");
    }

    /** The settings of earlier versions: backfill on, the queue ranked by priority, no topology. */
    public EngineConfig(String defaultPartition, String defaultAccount, Duration killGrace, int masterPortBase,
            int masterPortSpan, Duration nodeDownTimeout, int requeueLimit, int reservations, int finishedInMemory,
            Policy policy) {
        this(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan, nodeDownTimeout,
                requeueLimit, reservations, finishedInMemory, policy, true, QueueOrder.PRIORITY, Topology.flat(), false);
    }

    public static EngineConfig defaults() {
        return new EngineConfig("main", "default", Duration.ofSeconds(10), 12000, 20000, Duration.ofSeconds(10), 3,
                8, 10_000, Policy.open("default"));
    }

    public EngineConfig withTopology(Topology newTopology) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, finishedInMemory, policy, backfill, queueOrder,
                newTopology, cancelUnsatisfiable);
    }

    public EngineConfig withCancelUnsatisfiable(boolean cancel) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, finishedInMemory, policy, backfill, queueOrder, topology,
                cancel);
    }

    public EngineConfig withBackfill(boolean on) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, finishedInMemory, policy, on, queueOrder, topology,
                cancelUnsatisfiable);
    }

    public EngineConfig withQueueOrder(QueueOrder order) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, finishedInMemory, policy, backfill, order, topology,
                cancelUnsatisfiable);
    }

    public EngineConfig withReservations(int count) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, count, finishedInMemory, policy, backfill, queueOrder,
                topology, cancelUnsatisfiable);
    }

    public EngineConfig withFinishedInMemory(int count) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, count, policy, backfill, queueOrder,
                topology, cancelUnsatisfiable);
    }

    public EngineConfig withKillGrace(Duration grace) {
        return new EngineConfig(defaultPartition, defaultAccount, grace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, finishedInMemory, policy, backfill, queueOrder,
                topology, cancelUnsatisfiable);
    }

    public EngineConfig withNodeDownTimeout(Duration timeout) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan, timeout,
                requeueLimit, reservations, finishedInMemory, policy, backfill, queueOrder,
                topology, cancelUnsatisfiable);
    }

    public EngineConfig withRequeueLimit(int limit) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, limit, reservations, finishedInMemory, policy, backfill, queueOrder,
                topology, cancelUnsatisfiable);
    }

    public EngineConfig withPolicy(Policy newPolicy) {
        return new EngineConfig(defaultPartition, defaultAccount, killGrace, masterPortBase, masterPortSpan,
                nodeDownTimeout, requeueLimit, reservations, finishedInMemory, newPolicy, backfill, queueOrder,
                topology, cancelUnsatisfiable);
    }
}
