package dev.rota.core.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Free GPUs per node as a step function of time, from {@code now} on: the GPUs free now, plus the
 * GPUs running jobs give back when their time limits end, minus what starts and reservations take.
 * Built fresh for each scheduling cycle; mutable, single-threaded, deterministic (sorted maps only).
 */
public final class AvailabilityProfile {
    private final Instant now;
    private final Map<String, Integer> freeNow;
    /** Per node: time -> change in free GPUs at that time (only times after {@code now}). */
    private final Map<String, NavigableMap<Instant, Integer>> changes;
    /** Times at which some node gains GPUs: the candidate start times of a reservation. */
    private final TreeSet<Instant> gains = new TreeSet<>();

    /** @param nodeOrder how nodes are ordered (natural name order), so iteration is decided */
    public AvailabilityProfile(Instant now, java.util.Comparator<String> nodeOrder) {
        this.now = now;
        this.freeNow = new TreeMap<>(nodeOrder);
        this.changes = new TreeMap<>(nodeOrder);
    }

    public Instant now() {
        return now;
    }

    /** Declares a node that may take work, with {@code free} GPUs free now. */
    public void node(String name, int free) {
        freeNow.put(name, free);
        changes.put(name, new TreeMap<>());
    }

    /** The nodes that may take work, in order. */
    public List<String> nodes() {
        return new ArrayList<>(freeNow.keySet());
    }

    /** A running job gives {@code gpus} back on {@code node} at {@code at} (its time limit, at the latest). */
    public void release(String node, Instant at, int gpus) {
        NavigableMap<Instant, Integer> c = changes.get(node);
        if (c == null || gpus == 0) {
            return;
        }
        Instant when = at.isAfter(now) ? at : now.plusNanos(1);
        c.merge(when, gpus, Integer::sum);
        gains.add(when);
    }

    /** Takes {@code gpus} on {@code node} over {@code [from, to)}: a start now, or a reservation. */
    public void take(String node, Instant from, Instant to, int gpus) {
        if (gpus == 0) {
            return;
        }
        if (!from.isAfter(now)) {
            freeNow.merge(node, -gpus, Integer::sum);
        } else {
            changes.get(node).merge(from, -gpus, Integer::sum);
        }
        changes.get(node).merge(to, gpus, Integer::sum);
        gains.add(to);
    }

    /** The fewest GPUs free on {@code node} at any time in {@code [from, to)}. */
    public int minFree(String node, Instant from, Instant to) {
        Integer base = freeNow.get(node);
        if (base == null) {
            return 0;
        }
        int free = base;
        NavigableMap<Instant, Integer> c = changes.get(node);
        for (Map.Entry<Instant, Integer> e : c.headMap(from, true).entrySet()) {
            free += e.getValue();
        }
        int min = free;
        SortedMap<Instant, Integer> during = c.subMap(from, false, to, false);
        for (int delta : during.values()) {
            free += delta;
            min = Math.min(min, free);
        }
        return min;
    }

    /** {@code now}, then every later time at which some node gains GPUs, ascending. */
    public List<Instant> candidateStarts(int max) {
        List<Instant> out = new ArrayList<>();
        out.add(now);
        for (Instant t : gains) {
            if (out.size() >= max) {
                break;
            }
            out.add(t);
        }
        return out;
    }

    /**
     * The nodes (first in order) where {@code gpus} GPUs stay free over {@code [from, from + length)},
     * if at least {@code count} such nodes exist.
     */
    public java.util.Optional<List<String>> fit(int count, int gpus, Instant from, java.time.Duration length) {
        Instant to = from.plus(length);
        List<String> chosen = new ArrayList<>(count);
        for (String node : freeNow.keySet()) {
            if (minFree(node, from, to) >= gpus) {
                chosen.add(node);
                if (chosen.size() == count) {
                    return java.util.Optional.of(chosen);
                }
            }
        }
        return java.util.Optional.empty();
    }
}
