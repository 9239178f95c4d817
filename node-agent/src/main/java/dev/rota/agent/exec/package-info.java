/**
 * Running a node's share of jobs: the batch script on the batch host, srun tasks on every node, and
 * killing all of it, including processes that left their process group.
 *
 * <p>Every process Rota starts runs under {@code setsid}, so it leads its own process group and
 * session. A kill signals, in one sweep: those groups, the process trees below their leaders, every
 * process ever seen in those trees, and every process whose environment carries the allocation's
 * {@code ROTA_ALLOCATION} and this node's {@code SLURMD_NODENAME} (which catches double-forked
 * daemons that re-parented to init). Without cgroups this is best effort against a process that
 * both clears its environment and escapes between two sweeps; cgroup tracking is the later fix.
 */
package dev.rota.agent.exec;
