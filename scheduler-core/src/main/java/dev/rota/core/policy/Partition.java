package dev.rota.core.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A named set of nodes jobs ask for with {@code --partition}, with its own time limit and tier.
 *
 * @param nodes    the node names in it; ignored when {@code allNodes}
 * @param allNodes every node, including ones that register later ({@code Nodes=ALL})
 * @param maxTime  the longest time limit a job may ask for here; absent: no cap
 * @param tier     jobs of a higher-tier partition are scheduled before any of a lower tier
 *                 (Slurm's PriorityTier); the multifactor priority orders jobs within a tier
 */
public record Partition(String name, Set<String> nodes, boolean allNodes, Optional<Duration> maxTime, int tier) {
    /** The partition of a cluster without partition lines: every node, no cap. */
    public static final String DEFAULT_NAME = "main";

    public Partition {
        Objects.requireNonNull(name, "name");
        nodes = Set.copyOf(nodes);
        Objects.requireNonNull(maxTime, "maxTime");
        if (tier < 0) {
            throw new IllegalArgumentException("tier must not be negative: " + tier);
        }
    }

    /** Every node, no time cap, tier 0. */
    public static Partition everything(String name) {
        return new Partition(name, Set.of(), true, Optional.empty(), 0);
    }

    public boolean contains(String node) {
        return allNodes || nodes.contains(node);
    }
}
