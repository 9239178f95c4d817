package dev.rota.core.policy;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One account of the tree: a lab, a team, a project.
 *
 * @param name           unique name
 * @param parent         the parent's name; empty only for {@link Policy#ROOT}
 * @param shares         relative entitlement among its siblings (non-negative; 0 = only when
 *                       nobody else wants the GPUs)
 * @param limits         caps on the subtree's running work
 * @param gpuHourBudget  the allocation: GPU-hours the subtree may consume in total; once spent,
 *                       its jobs stay pending (AccountBudgetExhausted). Absent: unlimited.
 */
public record Account(String name, String parent, long shares, Limits limits, OptionalDouble gpuHourBudget) {
    public Account {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(gpuHourBudget, "gpuHourBudget");
        if (shares < 0) {
            throw new IllegalArgumentException("shares must not be negative: " + shares);
        }
    }
}
