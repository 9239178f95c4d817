/**
 * The agent's own HTTP port: {@link dev.rota.agent.metrics.AgentMetrics} (Prometheus, per node and
 * per GPU, read from the health monitor's latest report on each scrape) and
 * {@link dev.rota.agent.metrics.AgentHttp} ({@code /metrics}, {@code /healthz}, {@code /readyz}).
 * Every metric is described in docs/metrics.md.
 */
package dev.rota.agent.metrics;
