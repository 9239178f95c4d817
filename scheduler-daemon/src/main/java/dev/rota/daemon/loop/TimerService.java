package dev.rota.daemon.loop;

import dev.rota.core.engine.Event;
import dev.rota.core.engine.TimerKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns the engine's {@code ScheduleTimer} effects into {@link Event.TimerFired} events at (or just
 * after) their due time. A timer already due fires at once. The engine ignores timers that no longer
 * matter, so this service never cancels any. Thread-safe.
 */
public final class TimerService implements AutoCloseable {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rota-timers");
        t.setDaemon(true);
        return t;
    });
    private final Clock clock;
    private final Consumer<Function<Instant, Event>> sink;

    /** @param sink where fired timers go (the engine loop's submit) */
    public TimerService(Clock clock, Consumer<Function<Instant, Event>> sink) {
        this.clock = clock;
        this.sink = sink;
    }

    public void schedule(Instant due, TimerKey key) {
        long delayMs = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        executor.schedule(() -> sink.accept(at -> new Event.TimerFired(at, key)), delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
