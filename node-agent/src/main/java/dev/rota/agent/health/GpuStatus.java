package dev.rota.agent.health;

import dev.rota.agent.v1.GpuHealth;
import dev.rota.agent.v1.GpuState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One GPU as a health assessment judged it.
 *
 * @param index      the driver's index
 * @param uuid       {@code GPU-...}; empty when unknown
 * @param state      the verdict
 * @param sample     this poll's readings; empty when the GPU was not read
 * @param xids       XIDs the kernel log holds for this GPU, distinct, in order of first appearance
 * @param conditions why the state is not OK, in words, without the {@code gpu N:} prefix
 */
public record GpuStatus(int index, String uuid, State state, Optional<GpuSample> sample, List<Integer> xids,
        List<String> conditions) {

    public enum State {
        /** Read, and nothing wrong. */
        OK,
        /** Read, with a warning. */
        WARNING,
        /** A fatal condition. */
        FAILED,
        /** Registered but no longer listed by the driver. */
        MISSING,
        /** Not read this time. */
        UNKNOWN
    }

    public GpuStatus {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(sample, "sample");
        xids = List.copyOf(xids);
        conditions = List.copyOf(conditions);
    }

    /** This GPU as the agent protocol carries it. */
    public GpuHealth toProto() {
        GpuHealth.Builder b = GpuHealth.newBuilder()
                .setIndex(index)
                .setUuid(uuid)
                .setState(switch (state) {
                    case OK -> GpuState.GPU_STATE_OK;
                    case WARNING -> GpuState.GPU_STATE_WARNING;
                    case FAILED -> GpuState.GPU_STATE_FAILED;
                    case MISSING -> GpuState.GPU_STATE_MISSING;
                    case UNKNOWN -> GpuState.GPU_STATE_UNKNOWN;
                })
                .addAllConditions(conditions);
        xids.forEach(b::addXids);
        sample.ifPresent(s -> {
            s.temperatureC().ifPresent(b::setTemperatureC);
            s.powerW().ifPresent(b::setPowerW);
            s.eccUncorrected().ifPresent(b::setEccUncorrected);
            s.retiredPagesPending().ifPresent(b::setRetiredPagesPending);
            s.remappedRowsPending().ifPresent(b::setRemappedRowsPending);
            s.remappedRowsFailed().ifPresent(b::setRemappedRowsFailed);
            s.throttleReasons().ifPresent(b::setThrottleReasons);
        });
        return b.build();
    }
}
