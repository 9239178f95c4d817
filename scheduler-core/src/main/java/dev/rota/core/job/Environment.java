package dev.rota.core.job;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A job's environment: immutable and sorted. The engine never reads it (it only hands it to the
 * agents at launch), so a store may give it in its encoded form and have it decoded on first use:
 * a daemon restarting with a long queue then does not decode every job's forty variables.
 *
 * <p>Thread-safe: decoding happens at most once, under a lock; afterwards reads are lock-free.
 */
public final class Environment extends AbstractMap<String, String> implements SortedMap<String, String> {
    private static final Environment EMPTY = new Environment(Collections.emptySortedMap(), null, null);

    private volatile SortedMap<String, String> entries;
    private Function<Object, SortedMap<String, String>> decoder;
    private final Object encoded;

    private Environment(SortedMap<String, String> entries, Object encoded,
            Function<Object, SortedMap<String, String>> decoder) {
        this.entries = entries;
        this.encoded = encoded;
        this.decoder = decoder;
    }

    /** An environment holding a sorted copy of {@code variables}; returns it as is if it already is one. */
    public static Environment of(Map<String, String> variables) {
        if (variables instanceof Environment e) {
            return e;
        }
        if (variables.isEmpty()) {
            return EMPTY;
        }
        return new Environment(Collections.unmodifiableSortedMap(new TreeMap<>(variables)), null, null);
    }

    /**
     * An environment to be decoded from {@code encoded} by {@code decoder} on first use. The
     * decoder must return the same variables every time (it is called at most once).
     */
    public static Environment decodedLater(Object encoded, Function<Object, SortedMap<String, String>> decoder) {
        return new Environment(null, encoded, decoder);
    }

    /** The encoded form it was created from, if any, so a store can write it back without re-encoding. */
    public java.util.Optional<Object> encoded() {
        return java.util.Optional.ofNullable(encoded);
    }

    private SortedMap<String, String> entries() {
        SortedMap<String, String> e = entries;
        if (e == null) {
            synchronized (this) {
                e = entries;
                if (e == null) {
                    e = Collections.unmodifiableSortedMap(new TreeMap<>(decoder.apply(encoded)));
                    entries = e;
                    decoder = null;
                }
            }
        }
        return e;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return entries().entrySet();
    }

    @Override
    public String get(Object key) {
        return entries().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return entries().containsKey(key);
    }

    @Override
    public int size() {
        return entries().size();
    }

    @Override
    public Comparator<? super String> comparator() {
        return null;
    }

    @Override
    public SortedMap<String, String> subMap(String fromKey, String toKey) {
        return entries().subMap(fromKey, toKey);
    }

    @Override
    public SortedMap<String, String> headMap(String toKey) {
        return entries().headMap(toKey);
    }

    @Override
    public SortedMap<String, String> tailMap(String fromKey) {
        return entries().tailMap(fromKey);
    }

    @Override
    public String firstKey() {
        return entries().firstKey();
    }

    @Override
    public String lastKey() {
        return entries().lastKey();
    }
}
