package dev.rota.core.engine;

import java.util.List;

/**
 * What one engine step produced. {@code outcomes} is index-aligned with the step's events.
 * The shell commits {@code changes} first, then carries out {@code effects} and answers callers.
 */
public record StepResult(List<StateChange> changes, List<Effect> effects, List<Outcome> outcomes) {
    public StepResult {
        changes = List.copyOf(changes);
        effects = List.copyOf(effects);
        outcomes = List.copyOf(outcomes);
    }
}
