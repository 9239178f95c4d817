package dev.rota.sim.run;

import dev.rota.core.engine.EngineConfig;
import dev.rota.core.policy.Policy;
import dev.rota.core.policy.PolicyFile;
import dev.rota.sim.trace.Trace;
import java.util.List;
import java.util.Map;

/**
 * A scheduling policy the simulator compares, as an engine configuration: the simulator changes
 * only the {@link EngineConfig}, never the engine.
 *
 * @param name         how it is asked for ({@code --policies})
 * @param description  one line for reports
 * @param config       the engine settings
 * @param oracleLimits whether every job's time limit is its true duration (an oracle no real
 *                     scheduler has); otherwise jobs carry the trace's (or assumed) user limits
 * @param topologyAware whether the engine is given the cluster's leaf switches (Rota's placement
 *                     objective over them); the baselines place by best fit in name order, as a
 *                     scheduler without a topology does
 */
public record SimPolicy(String name, String description, EngineConfig config, boolean oracleLimits,
        boolean topologyAware) {

    /** The built-in policies, in report order. */
    public static final List<String> NAMES = List.of("fifo", "easy", "rota", "sjf-oracle");

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "fifo", "first come first served, no backfill (a strict queue)",
            "easy", "first come first served with EASY backfill (one reservation, user time limits)",
            "rota", "Rota's default: fair share + multifactor priority, backfill with 8 reservations, topology-aware placement",
            "sjf-oracle", "shortest job first on the true durations, greedy (no reservations): an oracle bound");

    /**
     * The policy called {@code name} for {@code trace}'s accounts; the {@code rota} policy uses
     * {@code rotaPolicy} when given (a policy file's contents), else accounts with the trace's shares
     * and default weights.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static SimPolicy named(String name, Trace trace, Policy rotaPolicy) {
        EngineConfig base = EngineConfig.defaults().withFinishedInMemory(1000);
        return switch (name) {
            case "fifo" -> new SimPolicy(name, DESCRIPTIONS.get(name),
                    base.withPolicy(accounts(trace, false)).withReservations(1).withBackfill(false), false, false);
            case "easy" -> new SimPolicy(name, DESCRIPTIONS.get(name),
                    base.withPolicy(accounts(trace, false)).withReservations(1), false, false);
            case "rota" -> new SimPolicy(name, DESCRIPTIONS.get(name),
                    base.withPolicy(rotaPolicy != null ? rotaPolicy : accounts(trace, true)), false, true);
            case "sjf-oracle" -> new SimPolicy(name, DESCRIPTIONS.get(name),
                    base.withPolicy(accounts(trace, false)).withReservations(0)
                            .withQueueOrder(EngineConfig.QueueOrder.SHORTEST_LIMIT), true, false);
            default -> throw new IllegalArgumentException("unknown policy '" + name + "' (known: "
                    + String.join(", ", NAMES) + ")");
        };
    }

    /**
     * One account per trace account under the root, with its shares, and one user of the same name
     * charging it (the traces carry no users). With {@code weighted} false every priority weight is
     * zero, so the queue is in submission order.
     */
    static Policy accounts(Trace trace, boolean weighted) {
        StringBuilder text = new StringBuilder();
        if (!weighted) {
            text.append("PriorityWeightFairShare=0\nPriorityWeightAge=0\nPriorityWeightJobSize=0\nPriorityWeightQOS=0\n");
        }
        text.append("UnlistedUsers=REJECT\n");
        trace.accounts().forEach((account, shares) -> text.append("Account=").append(account).append(" Shares=")
                .append(shares).append('\n'));
        trace.accounts().keySet().forEach(account -> text.append("User=").append(account).append(" Account=")
                .append(account).append(" Default=yes\n"));
        try {
            return PolicyFile.parse(text.toString(), "generated policy for " + trace.name());
        } catch (PolicyFile.InvalidPolicyException e) {
            throw new IllegalArgumentException("cannot build a policy for the trace's accounts: " + e.getMessage(), e);
        }
    }
}
