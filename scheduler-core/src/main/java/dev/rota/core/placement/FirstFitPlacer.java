package dev.rota.core.placement;

import dev.rota.core.job.NodeAllocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * All-or-nothing placement of a gang: the first {@code nodes} candidates (in the order given) that
 * each have {@code gpusPerNode} free GPUs, taking each node's lowest free indices. Returns nothing
 * unless every node of the gang fits, so a job never holds part of its nodes. The topology-aware
 * placer (issue #7) replaces the choice, not this contract.
 */
public final class FirstFitPlacer {

    /**
     * @param candidates nodes that may take work now, in a deterministic order
     * @return one allocation per node, in candidate order, or empty when the gang does not fit now
     */
    public Optional<List<NodeAllocation>> place(int nodes, int gpusPerNode, List<Candidate> candidates) {
        List<NodeAllocation> chosen = new ArrayList<>(nodes);
        for (Candidate c : candidates) {
            if (c.freeGpus().size() >= gpusPerNode) {
                chosen.add(new NodeAllocation(c.node(), c.freeGpus().subList(0, gpusPerNode)));
                if (chosen.size() == nodes) {
                    return Optional.of(chosen);
                }
            }
        }
        return Optional.empty();
    }
}
