package dev.rota.agent.health;

import java.util.ArrayList;
import java.util.List;

/**
 * The bits of NVML's clock event (formerly "throttle") reasons, as nvidia-smi prints them in
 * {@code clocks_throttle_reasons.active}, e.g. {@code 0x0000000000000040}. Values from NVML's
 * {@code nvmlClocksEventReasons} / {@code nvmlClocksThrottleReasons}
 * (https://docs.nvidia.com/deploy/nvml-api/group__nvmlClocksEventReasons.html).
 */
public enum ThrottleReason {
    GPU_IDLE(0x1L, "idle"),
    APPLICATIONS_CLOCKS_SETTING(0x2L, "application clocks setting"),
    SW_POWER_CAP(0x4L, "software power cap"),
    HW_SLOWDOWN(0x8L, "hardware slowdown"),
    SYNC_BOOST(0x10L, "sync boost"),
    SW_THERMAL_SLOWDOWN(0x20L, "software thermal slowdown"),
    HW_THERMAL_SLOWDOWN(0x40L, "hardware thermal slowdown"),
    HW_POWER_BRAKE_SLOWDOWN(0x80L, "hardware power brake slowdown"),
    DISPLAY_CLOCK_SETTING(0x100L, "display clock setting");

    /**
     * The reasons that mean trouble rather than normal operation: the hardware or thermal slowdowns.
     * Idle, power capping and clock settings are how a healthy GPU runs.
     */
    public static final long TROUBLE = HW_SLOWDOWN.bit | SW_THERMAL_SLOWDOWN.bit | HW_THERMAL_SLOWDOWN.bit
            | HW_POWER_BRAKE_SLOWDOWN.bit;

    private final long bit;
    private final String words;

    ThrottleReason(long bit, String words) {
        this.bit = bit;
        this.words = words;
    }

    public long bit() {
        return bit;
    }

    /** The reasons set in {@code mask}, in bit order, in words; unknown bits as {@code 0x...}. */
    public static List<String> describe(long mask) {
        List<String> out = new ArrayList<>();
        long rest = mask;
        for (ThrottleReason r : values()) {
            if ((mask & r.bit) != 0) {
                out.add(r.words);
                rest &= ~r.bit;
            }
        }
        if (rest != 0) {
            out.add(String.format("0x%x", rest));
        }
        return out;
    }
}
