/**
 * Slurm's commands inside jobs, beyond {@code srun}: {@link dev.rota.agent.compat.Scontrol} answers
 * {@code scontrol show hostnames}, with {@link dev.rota.core.node.Hostlist} expanding Slurm
 * hostlists. The agent puts an {@code scontrol} wrapper on every job's {@code PATH}.
 */
package dev.rota.agent.compat;
