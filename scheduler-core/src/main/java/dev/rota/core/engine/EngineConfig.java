package dev.rota.core.engine;

import java.time.Duration;

/**
 * Engine settings. Pure values: the same config and events give the same results.
 *
 * @param defaultPartition the partition every node belongs to and jobs without one use
 * @param defaultAccount   the account of jobs that name none
 * @param killGrace        time between SIGTERM and SIGKILL when cancelling or timing out
 * @param masterPortBase   first MASTER_PORT; a job gets {@code base + id % masterPortSpan}
 * @param masterPortSpan   how many ports the MASTER_PORT range covers
 */
public record EngineConfig(String defaultPartition, String defaultAccount, Duration killGrace, int masterPortBase,
        int masterPortSpan) {

    public static EngineConfig defaults() {
        return new EngineConfig("main", "default", Duration.ofSeconds(10), 12000, 20000);
    }

    public EngineConfig withKillGrace(Duration grace) {
        return new EngineConfig(defaultPartition, defaultAccount, grace, masterPortBase, masterPortSpan);
    }
}
