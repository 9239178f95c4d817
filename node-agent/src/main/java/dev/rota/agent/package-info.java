/**
 * {@code rota-agent}, the process on every GPU host: {@link dev.rota.agent.NodeAgent} wires the GPU
 * inventory, the health monitor, the job supervisor, the step server and the link to rotad;
 * {@link dev.rota.agent.AgentMain} is its command line. Sub-packages hold one idea each: {@code gpu},
 * {@code health}, {@code env}, {@code exec}, {@code step}, {@code link}.
 */
package dev.rota.agent;
