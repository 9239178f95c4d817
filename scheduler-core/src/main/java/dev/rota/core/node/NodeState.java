package dev.rota.core.node;

/** A node's state as users see it, derived from connection, drain and allocation. */
public enum NodeState {
    IDLE, MIXED, ALLOCATED, DRAINING, DRAINED,
    /** Its agent is gone; the node is declared DOWN if it does not return within the timeout. */
    NOT_RESPONDING,
    /** Its agent stayed away past the timeout: its jobs were failed or requeued. */
    DOWN;

    /**
     * @param connected    whether its agent's stream is open
     * @param failed       whether it was declared down (away past the timeout, or unknown since a restart)
     * @param drained      whether an admin (or health) drained it
     * @param runningJobs  jobs holding it
     * @param gpusAllocated GPUs held
     * @param gpusTotal    GPUs it has
     */
    public static NodeState of(boolean connected, boolean failed, boolean drained, int runningJobs,
            int gpusAllocated, int gpusTotal) {
        if (!connected) {
            return failed ? DOWN : NOT_RESPONDING;
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
