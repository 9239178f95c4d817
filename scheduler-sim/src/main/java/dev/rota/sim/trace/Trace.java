package dev.rota.sim.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A workload: jobs in submission order and the accounts they charge with their fair-share shares.
 * Immutable.
 *
 * @param name     what it is, for reports
 * @param jobs     sorted by submit time, ties in source order; {@code index} is the position
 * @param accounts shares per account (sorted by name); every job's account is present
 */
public record Trace(String name, List<TraceJob> jobs, SortedMap<String, Long> accounts) {
    public Trace {
        jobs = List.copyOf(jobs);
        accounts = Collections.unmodifiableSortedMap(new TreeMap<>(accounts));
        for (int i = 0; i < jobs.size(); i++) {
            if (jobs.get(i).index() != i) {
                throw new IllegalArgumentException("job indices must be positions: " + jobs.get(i));
            }
            if (!accounts.containsKey(jobs.get(i).account())) {
                throw new IllegalArgumentException("job " + jobs.get(i).source() + " charges account '"
                        + jobs.get(i).account() + "', which has no shares");
            }
        }
    }

    /** Sorts {@code jobs} by submit time (stable: ties keep their order) and numbers them. */
    public static List<TraceJob> ordered(List<TraceJob> jobs) {
        List<TraceJob> sorted = new ArrayList<>(jobs);
        sorted.sort(Comparator.comparing(TraceJob::submit));
        List<TraceJob> out = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            out.add(sorted.get(i).withIndex(i));
        }
        return out;
    }

    /**
     * The jobs submitted in {@code [from, to)} (either bound null: open) whose account is in
     * {@code keep} (null: all), renumbered; accounts restricted likewise.
     */
    public Trace window(Instant from, Instant to, java.util.Set<String> keep) {
        List<TraceJob> out = new ArrayList<>();
        for (TraceJob j : jobs) {
            if ((from == null || !j.submit().isBefore(from)) && (to == null || j.submit().isBefore(to))
                    && (keep == null || keep.contains(j.account()))) {
                out.add(j.withIndex(out.size()));
            }
        }
        SortedMap<String, Long> acc = new TreeMap<>(accounts);
        if (keep != null) {
            acc.keySet().retainAll(keep);
        }
        return new Trace(name, out, acc);
    }

    /** The same jobs with {@code limits} applied. */
    public Trace withJobs(List<TraceJob> newJobs) {
        return new Trace(name, newJobs, accounts);
    }
}
