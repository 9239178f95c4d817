package dev.rota.core.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * The task indexes of a job array, as sbatch's {@code --array} writes them: {@code 0-15},
 * {@code 1,3,5}, {@code 500-17000:1000}, combined with commas. Immutable and compact: a run of
 * evenly spaced indexes is one range however long it is, so an array of 10,000 tasks costs three
 * numbers, and taking the lowest index (the engine's way of starting the next task) is cheap.
 *
 * <p>Ranges are kept sorted, disjoint and non-empty. Pure; safe to share between threads.
 */
public final class ArrayIndexes {
    /** sbatch's MaxArraySize default: indexes run from 0 to 1,000,000 - 1. */
    public static final int MAX_INDEX = 999_999;

    private static final ArrayIndexes EMPTY = new ArrayIndexes(new int[0]);

    /** Triples (first, last, step), first &lt;= last, last - first divisible by step; sorted by first. */
    private final int[] ranges;

    private ArrayIndexes(int[] ranges) {
        this.ranges = ranges;
    }

    public static ArrayIndexes empty() {
        return EMPTY;
    }

    /**
     * Reads an index expression without its {@code %throttle}: comma-separated {@code N},
     * {@code A-B} or {@code A-B:STEP}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static ArrayIndexes parse(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("no task indexes");
        }
        TreeSet<Integer> singles = new TreeSet<>();
        List<int[]> runs = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            if (!p.matches("\\d+(-\\d+(:\\d+)?)?")) {
                throw new IllegalArgumentException("'" + part + "' is not an index, A-B or A-B:STEP");
            }
            String[] stepSplit = p.split(":");
            String[] bounds = stepSplit[0].split("-");
            int first = index(bounds[0]);
            int last = bounds.length > 1 ? index(bounds[1]) : first;
            int step = stepSplit.length > 1 ? bigInt(stepSplit[1]) : 1;
            if (last < first) {
                throw new IllegalArgumentException("'" + part + "' ends before it starts");
            }
            if (step < 1) {
                throw new IllegalArgumentException("'" + part + "': the step must be at least 1");
            }
            last = last - (last - first) % step;
            if (first == last) {
                singles.add(first);
            } else {
                runs.add(new int[] {first, last, step});
            }
        }
        return normalised(runs, singles);
    }

    private static int index(String digits) {
        int v = bigInt(digits);
        if (v > MAX_INDEX) {
            throw new IllegalArgumentException("index " + digits + " is above the largest, " + MAX_INDEX);
        }
        return v;
    }

    private static int bigInt(String digits) {
        if (digits.length() > 9) {
            return Integer.MAX_VALUE;
        }
        return Integer.parseInt(digits);
    }

    /** Overlapping runs are expanded into singles (rare); disjoint runs stay compact. */
    private static ArrayIndexes normalised(List<int[]> runs, TreeSet<Integer> singles) {
        runs.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> kept = new ArrayList<>();
        int[] previous = null;
        for (int[] r : runs) {
            if (previous != null && r[0] <= previous[1]) {
                for (int v = r[0]; v <= r[1]; v += r[2]) {
                    singles.add(v);
                }
                continue;
            }
            kept.add(r);
            previous = r;
        }
        // A single inside a kept run is already there; others become one-element ranges.
        List<int[]> all = new ArrayList<>(kept);
        for (int s : singles) {
            boolean inside = false;
            for (int[] r : kept) {
                if (s >= r[0] && s <= r[1] && (s - r[0]) % r[2] == 0) {
                    inside = true;
                    break;
                }
            }
            if (!inside) {
                all.add(new int[] {s, s, 1});
            }
        }
        all.sort((a, b) -> Integer.compare(a[0], b[0]));
        // Overlapping ranges of different steps (say 0-10:5 and 3-7) interleave: expand them all.
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i)[0] <= all.get(i - 1)[1]) {
                TreeSet<Integer> values = new TreeSet<>();
                for (int[] r : all) {
                    for (int v = r[0]; v <= r[1]; v += r[2]) {
                        values.add(v);
                    }
                }
                List<int[]> flat = new ArrayList<>();
                for (int v : values) {
                    flat.add(new int[] {v, v, 1});
                }
                all = flat;
                break;
            }
        }
        int[] packed = new int[all.size() * 3];
        for (int i = 0; i < all.size(); i++) {
            System.arraycopy(all.get(i), 0, packed, i * 3, 3);
        }
        return new ArrayIndexes(packed);
    }

    public boolean isEmpty() {
        return ranges.length == 0;
    }

    /** How many indexes. */
    public int count() {
        long n = 0;
        for (int i = 0; i < ranges.length; i += 3) {
            n += (ranges[i + 1] - ranges[i]) / ranges[i + 2] + 1;
        }
        return (int) n;
    }

    public OptionalInt min() {
        return ranges.length == 0 ? OptionalInt.empty() : OptionalInt.of(ranges[0]);
    }

    public OptionalInt max() {
        int m = Integer.MIN_VALUE;
        for (int i = 0; i < ranges.length; i += 3) {
            m = Math.max(m, ranges[i + 1]);
        }
        return ranges.length == 0 ? OptionalInt.empty() : OptionalInt.of(m);
    }

    /** The step between indexes as Slurm reports it: the step of a single range, else 1. */
    public int step() {
        return ranges.length == 3 ? ranges[2] : 1;
    }

    public boolean contains(int index) {
        for (int i = 0; i < ranges.length; i += 3) {
            if (index >= ranges[i] && index <= ranges[i + 1] && (index - ranges[i]) % ranges[i + 2] == 0) {
                return true;
            }
        }
        return false;
    }

    /** These indexes without the lowest one. */
    public ArrayIndexes withoutMin() {
        if (ranges.length == 0) {
            return this;
        }
        return without(ranges[0]);
    }

    /** These indexes without {@code index} (the same object when it is not one of them). */
    public ArrayIndexes without(int index) {
        for (int i = 0; i < ranges.length; i += 3) {
            int first = ranges[i];
            int last = ranges[i + 1];
            int step = ranges[i + 2];
            if (index < first || index > last || (index - first) % step != 0) {
                continue;
            }
            List<int[]> replacement = new ArrayList<>(2);
            if (index > first) {
                replacement.add(new int[] {first, index - step, step});
            }
            if (index < last) {
                replacement.add(new int[] {index + step, last, step});
            }
            int[] out = new int[ranges.length - 3 + replacement.size() * 3];
            System.arraycopy(ranges, 0, out, 0, i);
            int k = i;
            for (int[] r : replacement) {
                System.arraycopy(r, 0, out, k, 3);
                k += 3;
            }
            System.arraycopy(ranges, i + 3, out, k, ranges.length - i - 3);
            return new ArrayIndexes(out);
        }
        return this;
    }

    /** Every index, ascending. Use on small sets only (tests, messages). */
    public List<Integer> toList() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < ranges.length; i += 3) {
            for (int v = ranges[i]; v <= ranges[i + 1]; v += ranges[i + 2]) {
                out.add(v);
            }
        }
        return out;
    }

    /** The expression, as {@link #parse} reads it: {@code 0-15:5,20}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ranges.length; i += 3) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(ranges[i]);
            if (ranges[i + 1] != ranges[i]) {
                b.append('-').append(ranges[i + 1]);
                if (ranges[i + 2] != 1) {
                    b.append(':').append(ranges[i + 2]);
                }
            }
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrayIndexes other && Arrays.equals(ranges, other.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranges);
    }
}
