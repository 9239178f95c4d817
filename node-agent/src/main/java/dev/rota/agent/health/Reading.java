package dev.rota.agent.health;

import java.util.Objects;

/**
 * What one attempt to read a health source gave: a value, or why there is none. Reading a source
 * never throws; a source that cannot be read is a condition the policy judges like any other.
 *
 * @param <T> what the source gives
 */
public sealed interface Reading<T> {

    /** The source answered. */
    record Value<T>(T value) implements Reading<T> {
        public Value {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The source did not answer; {@code why} says so in words, e.g. {@code nvidia-smi did not answer within 15 s}. */
    record Unavailable<T>(String why) implements Reading<T> {
        public Unavailable {
            Objects.requireNonNull(why, "why");
        }
    }

    static <T> Reading<T> of(T value) {
        return new Value<>(value);
    }

    static <T> Reading<T> unavailable(String why) {
        return new Unavailable<>(why);
    }
}
