package dev.rota.agent.exec;

import dev.rota.agent.v1.LaunchJob;

/**
 * Permission to run srun tasks for a job on this node, with what the task environment needs.
 *
 * @param allocation the allocation the tasks belong to
 * @param launch     the allocation's launch command as this node received it
 * @param nodeIndex  this node's index in {@code launch.getNodesList()}
 */
public record StepGrant(AllocationId allocation, LaunchJob launch, int nodeIndex) {
}
