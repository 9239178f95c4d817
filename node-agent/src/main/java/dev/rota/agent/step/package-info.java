/**
 * Job steps: {@link dev.rota.agent.step.StepServer} runs srun's tasks on this node, and
 * {@link dev.rota.agent.step.Srun} is the {@code srun} command that a batch script calls to fan a
 * command out over every node of its allocation.
 */
package dev.rota.agent.step;
