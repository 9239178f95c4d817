package dev.rota.daemon.loop;

import java.time.Duration;
import java.util.Arrays;

/**
 * How long the engine's recent steps took (each handles a batch of events, a scheduling cycle
 * included; the store commit excluded), for {@code rota cluster}. Keeps the last {@link #WINDOW}.
 * Thread-safe: the engine loop records, API threads read; both hold the lock for a few
 * nanoseconds (reading copies 256 longs).
 */
public final class StepTimes implements EngineLoop.StepListener {
    public static final int WINDOW = 256;

    private final long[] nanos = new long[WINDOW];
    private long steps;

    /** The last step, and the median and maximum of the window; all zero before the first step. */
    public record Summary(long steps, Duration last, Duration median, Duration max) {
    }

    @Override
    public synchronized void stepped(int events, long stepNanos, long commitNanos) {
        nanos[(int) (steps % WINDOW)] = stepNanos;
        steps++;
    }

    public Summary summary() {
        long[] window;
        long count;
        synchronized (this) {
            count = steps;
            window = Arrays.copyOf(nanos, (int) Math.min(count, WINDOW));
        }
        if (count == 0) {
            return new Summary(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        }
        long last = window[(int) ((count - 1) % WINDOW)];
        Arrays.sort(window);
        return new Summary(count, Duration.ofNanos(last), Duration.ofNanos(window[window.length / 2]),
                Duration.ofNanos(window[window.length - 1]));
    }
}
