package dev.rota.core.placement;

import java.util.List;

/** A node that may take work now, with its free GPU indices in ascending order. */
public record Candidate(String node, List<Integer> freeGpus) {
    public Candidate {
        freeGpus = List.copyOf(freeGpus);
    }
}
