package dev.rota.daemon.agents;

import dev.rota.agent.v1.NodeHealth;
import java.time.Duration;
import java.util.Optional;

/**
 * What a connected agent last told the daemon, for {@code rota nodes --long}: not scheduling state
 * (the engine never sees it), so it lives in the session.
 *
 * @param silence how long since the agent was last heard from (heartbeat age)
 * @param health  its latest health report; empty for agents that do not monitor health
 * @param version the version it registered with
 */
public record AgentFacts(Duration silence, Optional<NodeHealth> health, String version) {
}
