package dev.rota.agent.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot of the host's live processes (zombies excluded) with parent and process group, read
 * from {@code /proc}; where there is no {@code /proc}, from {@link ProcessHandle} without groups.
 * Immutable once captured; capturing reads one file per process.
 */
final class ProcessTable {

    private static final Path PROC = Path.of("/proc");

    private record Row(long pid, long ppid, long pgid) {
    }

    private final Map<Long, Row> rows;
    private final Map<Long, List<Long>> children = new HashMap<>();

    private ProcessTable(Map<Long, Row> rows) {
        this.rows = rows;
        for (Row r : rows.values()) {
            children.computeIfAbsent(r.ppid(), k -> new ArrayList<>()).add(r.pid());
        }
    }

    static ProcessTable capture() {
        Map<Long, Row> rows = new HashMap<>();
        if (Files.isDirectory(PROC.resolve("self"))) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
                for (Path p : dir) {
                    String name = p.getFileName().toString();
                    if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                        Row row = readStat(p.resolve("stat"));
                        if (row != null) {
                            rows.put(row.pid(), row);
                        }
                    }
                }
                return new ProcessTable(rows);
            } catch (IOException e) {
                rows.clear();
            }
        }
        ProcessHandle.allProcesses().forEach(h -> rows.put(h.pid(),
                new Row(h.pid(), h.parent().map(ProcessHandle::pid).orElse(0L), -1)));
        return new ProcessTable(rows);
    }

    /** {@code /proc/<pid>/stat}: "pid (comm) state ppid pgrp ..."; null for zombies and vanished processes. */
    private static Row readStat(Path stat) {
        try {
            String s = Files.readString(stat, StandardCharsets.ISO_8859_1);
            int close = s.lastIndexOf(')');
            if (close < 0) {
                return null;
            }
            String[] f = s.substring(close + 2).split(" ");
            if (f.length < 3 || f[0].equals("Z") || f[0].equals("X")) {
                return null;
            }
            long pid = Long.parseLong(s.substring(0, s.indexOf(' ')));
            return new Row(pid, Long.parseLong(f[1]), Long.parseLong(f[2]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether {@code h} still runs: alive as {@link ProcessHandle} sees it and not a zombie (a held
     * handle counts a zombie as alive, and an init that reaps slowly can keep zombies for seconds).
     */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        if (!Files.isDirectory(PROC.resolve("self"))) {
            return true;
        }
        return readStat(PROC.resolve(Long.toString(h.pid())).resolve("stat")) != null;
    }

    /** Whether any live process belongs to process group {@code pgid}. */
    boolean hasGroup(long pgid) {
        for (Row r : rows.values()) {
            if (r.pgid() == pgid) {
                return true;
            }
        }
        return false;
    }

    /** The live processes among {@code roots}, their descendants, and the members of {@code groups}. */
    Set<Long> treesAndGroups(Collection<Long> roots, Collection<Long> groups) {
        Set<Long> out = new HashSet<>();
        Deque<Long> todo = new ArrayDeque<>();
        for (long g : groups) {
            for (Row r : rows.values()) {
                if (r.pgid() == g) {
                    todo.add(r.pid());
                }
            }
        }
        todo.addAll(roots);
        while (!todo.isEmpty()) {
            long pid = todo.poll();
            if (rows.containsKey(pid) && out.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return out;
    }

    /**
     * The live processes (not this JVM) whose environment holds every one of {@code entries}
     * ({@code KEY=VALUE}), with their descendants. Processes whose environment cannot be read
     * (another user's) are skipped.
     */
    Set<Long> carrying(List<String> entries) {
        if (entries.isEmpty() || !Files.isDirectory(PROC.resolve("self"))) {
            return Set.of();
        }
        long self = ProcessHandle.current().pid();
        List<Long> found = new ArrayList<>();
        for (long pid : rows.keySet()) {
            if (pid == self) {
                continue;
            }
            try {
                byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
                String env = "\0" + new String(raw, StandardCharsets.ISO_8859_1);
                boolean all = true;
                for (String e : entries) {
                    String needle = "\0" + new String(e.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1) + "\0";
                    if (!env.contains(needle)) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    found.add(pid);
                }
            } catch (IOException | SecurityException e) {
                // Vanished, or not ours to read.
            }
        }
        return treesAndGroups(found, List.of());
    }
}
