package dev.rota.agent.health;

import java.util.List;
import java.util.Objects;

/**
 * What one nvidia-smi poll saw.
 *
 * @param gpus  the GPUs it listed, ordered by index
 * @param lost  GPUs it named but could not reach ("Unable to determine the device handle for GPU
 *              ...: GPU is lost ...")
 * @param notes things about the poll itself worth reporting, e.g. a field this driver does not know
 */
public record GpuReadout(List<GpuSample> gpus, List<LostGpu> lost, List<String> notes) {

    /**
     * A GPU nvidia-smi could not reach.
     *
     * @param pciBusId as nvidia-smi named it, e.g. {@code 0000:3B:00.0}
     * @param why      nvidia-smi's words, e.g. {@code GPU is lost. Reboot the system to recover this GPU}
     */
    public record LostGpu(String pciBusId, String why) {
        public LostGpu {
            Objects.requireNonNull(pciBusId, "pciBusId");
            Objects.requireNonNull(why, "why");
        }
    }

    public GpuReadout {
        gpus = List.copyOf(gpus);
        lost = List.copyOf(lost);
        notes = List.copyOf(notes);
    }
}
