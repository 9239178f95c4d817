package dev.rota.core.job;

import java.util.List;

/** The GPUs (by index on that node, ascending) a job holds on one node. */
public record NodeAllocation(String node, List<Integer> gpus) {
    public NodeAllocation {
        gpus = List.copyOf(gpus);
    }
}
