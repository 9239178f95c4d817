package dev.rota.agent.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * One kill of a set of processes: {@code signal} now, KILL to whatever is left after {@code grace},
 * then wait until nothing is left. State is confined to the timer thread after {@link #start}.
 */
final class Termination {

    /** How often the targets are checked while waiting for them to go. */
    static final Duration POLL = Duration.ofMillis(50);
    /** How long processes may take to vanish after KILL before the kill is reported as failed. */
    static final Duration AFTER_KILL = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(Termination.class.getName());

    /**
     * What to kill, re-resolved against a fresh {@link ProcessTable} at each round so that processes
     * forked meanwhile are caught too.
     *
     * @param groups  process groups (leaders started under setsid)
     * @param roots   processes whose trees belong to the target
     * @param seen    processes observed earlier in those trees (may have re-parented since)
     * @param markers environment entries ({@code KEY=VALUE}) that all mark a target; empty for none
     * @param cgroup  the job's cgroup, whose every process is a target; empty for none
     * @param spared  processes never signalled, though found by the rest (the job's rota-stepd)
     */
    record Targets(Set<Long> groups, Set<Long> roots, Set<ProcessHandle> seen, List<String> markers,
            java.util.Optional<java.nio.file.Path> cgroup, Set<Long> spared) {
        Targets {
            groups = Set.copyOf(groups);
            roots = Set.copyOf(roots);
            seen = Set.copyOf(seen);
            markers = List.copyOf(markers);
            spared = Set.copyOf(spared);
        }

        Targets(Set<Long> groups, Set<Long> roots, Set<ProcessHandle> seen, List<String> markers) {
            this(groups, roots, seen, markers, java.util.Optional.empty(), Set.of());
        }

        Set<Long> resolve(ProcessTable table) {
            Set<Long> starts = new HashSet<>(roots);
            for (ProcessHandle h : seen) {
                if (ProcessTable.running(h)) {
                    starts.add(h.pid());
                }
            }
            Set<Long> out = new HashSet<>(table.treesAndGroups(starts, groups));
            out.addAll(table.carrying(markers));
            cgroup.ifPresent(c -> out.addAll(JobCgroups.processes(c)));
            out.removeAll(spared);
            return out;
        }

        Set<Long> liveGroups(ProcessTable table) {
            return groups.stream().filter(table::hasGroup).collect(Collectors.toSet());
        }
    }

    private final ScheduledExecutorService timer;
    private final Targets targets;
    private final String signal;
    private final long killAtNanos;
    private final String what;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private List<ProcessHandle> current = List.of();
    private boolean killed;
    private long giveUpAtNanos;

    private Termination(ScheduledExecutorService timer, Targets targets, String signal, Duration grace, String what) {
        this.timer = timer;
        this.targets = targets;
        this.signal = signal;
        this.killAtNanos = System.nanoTime() + grace.toNanos();
        this.what = what;
    }

    /**
     * Signals the targets now (on the calling thread, so the signal is sent when this returns) and
     * finishes the kill on {@code timer}. The future completes when no target is left, or
     * exceptionally when some survive {@link #AFTER_KILL} past KILL.
     */
    static CompletableFuture<Void> start(ScheduledExecutorService timer, Targets targets, String signal,
            Duration grace, String what) {
        Termination t = new Termination(timer, targets, signal,
                signal.equals("KILL") || grace.isNegative() ? Duration.ZERO : grace, what);
        t.round(signal);
        t.killed = signal.equals("KILL");
        if (t.killed) {
            t.giveUpAtNanos = System.nanoTime() + AFTER_KILL.toNanos();
        }
        t.schedule();
        return t.done;
    }

    /** Resolves the targets, signals them, and remembers them; returns how many there were. */
    private int round(String sig) {
        ProcessTable table = ProcessTable.capture();
        Set<Long> pids = targets.resolve(table);
        if (sig.equals("KILL")) {
            // The kernel's own kill of the whole cgroup: nothing in it can dodge it by forking.
            targets.cgroup().ifPresent(JobCgroups::kill);
        }
        Signals.send(sig, targets.liveGroups(table), pids);
        List<ProcessHandle> handles = new ArrayList<>();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(handles::add);
        }
        current = handles;
        return handles.size();
    }

    private void schedule() {
        try {
            timer.schedule(this::poll, POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // The timer is shut down: the owner is closing and no longer waits.
            done.completeExceptionally(e);
        }
    }

    private void poll() {
        try {
            long now = System.nanoTime();
            if (!killed && now - killAtNanos >= 0) {
                killed = true;
                giveUpAtNanos = now + AFTER_KILL.toNanos();
                round("KILL");
            } else if (current.stream().noneMatch(ProcessTable::running)) {
                // Everything signalled is gone; look again for anything forked meanwhile.
                if (round(killed ? "KILL" : signal) == 0) {
                    done.complete(null);
                    return;
                }
            } else if (killed && now - giveUpAtNanos >= 0) {
                String survivors = current.stream().filter(ProcessTable::running)
                        .map(h -> Long.toString(h.pid())).collect(Collectors.joining(" "));
                LOG.warning(what + ": processes survived SIGKILL for " + AFTER_KILL.toSeconds() + " s: " + survivors);
                done.completeExceptionally(new IllegalStateException(what + ": processes survived SIGKILL: " + survivors));
                return;
            }
            schedule();
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }
}
