package dev.rota.daemon.loop;

import dev.rota.core.engine.Effect;

/**
 * Carries out the engine's effects. Called on the engine loop thread after the step's changes are
 * durable; must not block (hand slow work to another thread).
 */
@FunctionalInterface
public interface EffectSink {
    void carryOut(Effect effect);
}
