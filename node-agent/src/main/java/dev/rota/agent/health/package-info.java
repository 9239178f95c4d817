/**
 * Whether this node should take work (docs/health.md): {@link dev.rota.agent.health.HealthMonitor}
 * polls the GPUs ({@link dev.rota.agent.health.NvidiaSmiHealth}), the kernel log's XIDs
 * ({@link dev.rota.agent.health.DmesgKernelLog}, {@link dev.rota.agent.health.XidEvent}) and the
 * admin's {@link dev.rota.agent.health.HealthCheckProgram}; {@link dev.rota.agent.health.HealthPolicy}
 * judges each {@link dev.rota.agent.health.Observation} into a
 * {@link dev.rota.agent.health.HealthReport} of faults (which drain the node) and warnings. Sources
 * answer {@link dev.rota.agent.health.Reading} values and never throw.
 */
package dev.rota.agent.health;
