package dev.rota.core.node;

import java.time.Instant;

/** Why, by whom and when a node was drained. */
public record Drain(String reason, String by, Instant at) {
}
