package dev.rota.core.node;

/** A node's state as users see it, derived from connection, drain and allocation. */
public enum NodeState {
    IDLE, MIXED, ALLOCATED, DRAINING, DRAINED, DOWN;

    /**
     * @param connected    whether its agent's stream is open
     * @param drained      whether an admin (or health) drained it
     * @param runningJobs  jobs holding it
     * @param gpusAllocated GPUs held
     * @param gpusTotal    GPUs it has
     */
    public static NodeState of(boolean connected, boolean drained, int runningJobs, int gpusAllocated,
            int gpusTotal) {
        if (!connected) {
            return DOWN;
        }
        if (drained) {
            return runningJobs > 0 ? DRAINING : DRAINED;
        }
        if (runningJobs == 0) {
            return IDLE;
        }
        return gpusTotal > 0 && gpusAllocated == gpusTotal ? ALLOCATED : MIXED;
    }
}
