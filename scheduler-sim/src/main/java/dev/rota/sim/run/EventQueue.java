package dev.rota.sim.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The simulator's future: items ordered by (virtual time, sequence), the sequence being the order
 * they were pushed in, so that equal times keep a decided order whatever the heap does. Not
 * thread-safe; single-threaded by design.
 */
public final class EventQueue<T> {
    private record Entry<T>(Instant at, long seq, T item) {
    }

    private final PriorityQueue<Entry<T>> heap = new PriorityQueue<>((a, b) -> {
        int c = a.at.compareTo(b.at);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    });
    private long seq;

    /** Adds {@code item} due at {@code at}, after everything already due at that time. */
    public void push(Instant at, T item) {
        heap.add(new Entry<>(at, seq++, item));
    }

    public boolean isEmpty() {
        return heap.isEmpty();
    }

    public int size() {
        return heap.size();
    }

    /** When the next item is due; null when empty. */
    public Instant nextTime() {
        Entry<T> e = heap.peek();
        return e == null ? null : e.at;
    }

    /**
     * Removes and returns the items due at the earliest time, in push order, at most {@code max} of
     * them (the rest stay, first in line).
     */
    public List<T> popBatch(int max) {
        List<T> out = new ArrayList<>();
        Instant at = nextTime();
        while (!heap.isEmpty() && out.size() < max && heap.peek().at.equals(at)) {
            out.add(heap.poll().item);
        }
        return out;
    }
}
