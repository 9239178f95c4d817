package dev.rota.agent.health;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One GPU's health readings from one poll. An empty optional means the driver did not say: the
 * field read {@code [N/A]} or {@code [Not Supported]}, this driver does not know the field, or the
 * query for it failed.
 *
 * @param index               the driver's index
 * @param uuid                {@code GPU-...}; empty when unknown
 * @param pciBusId            as nvidia-smi writes it, e.g. {@code 00000000:3B:00.0}; empty when unknown
 * @param temperatureC        core temperature in degrees Celsius
 * @param powerW              power draw in watts
 * @param eccUncorrected      uncorrectable ECC errors since the driver loaded
 * @param retiredPagesPending whether retired pages wait for a reboot or GPU reset to take effect
 *                            (GPUs before Ampere)
 * @param remappedRowsPending whether remapped memory rows wait for a GPU reset (Ampere and later)
 * @param remappedRowsFailed  whether a row remapping ever failed
 * @param throttleReasons     NVML clock event reasons bitmask ({@link ThrottleReason})
 * @param remarks             other bracketed driver remarks, e.g. {@code temperature.gpu [Unknown Error]}
 * @param utilizationPercent  share of the last sample period a kernel ran, 0 to 100 (for metrics only:
 *                            the health policy does not judge it)
 * @param memoryUsedBytes     device memory in use (for metrics only)
 */
public record GpuSample(int index, String uuid, String pciBusId, OptionalDouble temperatureC, OptionalDouble powerW,
        OptionalLong eccUncorrected, Optional<Boolean> retiredPagesPending, Optional<Boolean> remappedRowsPending,
        Optional<Boolean> remappedRowsFailed, OptionalLong throttleReasons, List<String> remarks,
        OptionalDouble utilizationPercent, OptionalLong memoryUsedBytes) {

    /** A sample without utilisation and memory readings. */
    public GpuSample(int index, String uuid, String pciBusId, OptionalDouble temperatureC, OptionalDouble powerW,
            OptionalLong eccUncorrected, Optional<Boolean> retiredPagesPending, Optional<Boolean> remappedRowsPending,
            Optional<Boolean> remappedRowsFailed, OptionalLong throttleReasons, List<String> remarks) {
        this(index, uuid, pciBusId, temperatureC, powerW, eccUncorrected, retiredPagesPending, remappedRowsPending,
                remappedRowsFailed, throttleReasons, remarks, OptionalDouble.empty(), OptionalLong.empty());
    }

    public GpuSample {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(pciBusId, "pciBusId");
        Objects.requireNonNull(temperatureC, "temperatureC");
        Objects.requireNonNull(powerW, "powerW");
        Objects.requireNonNull(eccUncorrected, "eccUncorrected");
        Objects.requireNonNull(retiredPagesPending, "retiredPagesPending");
        Objects.requireNonNull(remappedRowsPending, "remappedRowsPending");
        Objects.requireNonNull(remappedRowsFailed, "remappedRowsFailed");
        Objects.requireNonNull(throttleReasons, "throttleReasons");
        remarks = List.copyOf(remarks);
        Objects.requireNonNull(utilizationPercent, "utilizationPercent");
        Objects.requireNonNull(memoryUsedBytes, "memoryUsedBytes");
    }

    /** A GPU listed with nothing else known. */
    public static GpuSample listed(int index, String uuid, String pciBusId) {
        return new GpuSample(index, uuid, pciBusId, OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalLong.empty(), Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.empty(),
                List.of());
    }

    public GpuSample withRemappedRows(Optional<Boolean> pending, Optional<Boolean> failed) {
        return new GpuSample(index, uuid, pciBusId, temperatureC, powerW, eccUncorrected, retiredPagesPending,
                pending, failed, throttleReasons, remarks, utilizationPercent, memoryUsedBytes);
    }

    public GpuSample withUsage(OptionalDouble utilization, OptionalLong memoryUsed) {
        return new GpuSample(index, uuid, pciBusId, temperatureC, powerW, eccUncorrected, retiredPagesPending,
                remappedRowsPending, remappedRowsFailed, throttleReasons, remarks, utilization, memoryUsed);
    }
}
