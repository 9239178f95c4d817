package dev.rota.agent.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Per-job cgroups in a cgroup v2 hierarchy: {@code <root>/<parent>/job-<id>.<attempt>} with
 * {@code memory.max} from {@code --mem} and {@code cpuset.cpus} from {@code --cpus-per-task}; the
 * job's processes are put in it before they run anything (by the start command, see
 * {@link #enterCommand}), and {@code cgroup.kill} ends whatever is left in it, so no descendant
 * survives a job, whatever it did to leave its session or process tree.
 *
 * <p>CPUs are chosen per node by the agent (rotad does not schedule CPUs): the least used of the
 * parent's effective CPUs, lowest number first, so jobs overlap only when the node has too few.
 *
 * <p>Thread-safe: the CPU bookkeeping is under this object's lock; file writes are not (each job has
 * its own directory).
 */
public final class JobCgroups {

    /** The parent cgroup under the hierarchy's root when none is configured. */
    public static final String DEFAULT_PARENT = "rota.slice";
    /** The usual mount point of the cgroup v2 hierarchy. */
    public static final Path DEFAULT_ROOT = Path.of("/sys/fs/cgroup");

    private static final Logger LOG = Logger.getLogger(JobCgroups.class.getName());

    private final Path parent;
    private final List<Integer> cpus;
    /** CPU -> how many live job cgroups hold it. */
    private final Map<Integer, Integer> cpuUse = new HashMap<>();
    private final Map<Path, List<Integer>> held = new HashMap<>();

    private JobCgroups(Path parent, List<Integer> cpus) {
        this.parent = parent;
        this.cpus = List.copyOf(cpus);
    }

    /** What {@link #detect} found: the cgroups, or why there are none. */
    public sealed interface Detection {
        /** Job cgroups can be made. */
        record Enforcing(JobCgroups cgroups) implements Detection {
        }

        /** They cannot; {@code why} says so, for the log and the metrics. */
        record NotEnforcing(String why) implements Detection {
        }
    }

    /**
     * Looks for a writable cgroup v2 hierarchy at {@code root} (a cgroup2 mount has
     * {@code cgroup.controllers} at its top), creates {@code parent} under it and enables the
     * {@code memory} and {@code cpuset} controllers for its children.
     */
    public static Detection detect(Path root, String parent) {
        Objects.requireNonNull(root, "root");
        if (parent.isBlank() || parent.contains("..")) {
            return new Detection.NotEnforcing("invalid cgroup parent '" + parent + "'");
        }
        if (!Files.isRegularFile(root.resolve("cgroup.controllers"))) {
            return new Detection.NotEnforcing(root + " is not a cgroup v2 hierarchy (no cgroup.controllers; cgroup v1?)");
        }
        Path dir = root.resolve(parent);
        try {
            String available = Files.readString(root.resolve("cgroup.controllers"), StandardCharsets.US_ASCII);
            for (String controller : List.of("memory", "cpuset")) {
                if (!List.of(available.strip().split("\\s+")).contains(controller)) {
                    return new Detection.NotEnforcing("the " + controller + " controller is not available in " + root);
                }
            }
            Files.createDirectories(dir);
            // Each level from the root down to the parent passes the controllers to its children.
            Path level = root;
            for (Path name : root.relativize(dir)) {
                write(level.resolve("cgroup.subtree_control"), "+memory +cpuset");
                level = level.resolve(name);
            }
            write(dir.resolve("cgroup.subtree_control"), "+memory +cpuset");
            List<Integer> cpus = parseCpuList(readFirst(dir, "cpuset.cpus.effective", root));
            return new Detection.Enforcing(new JobCgroups(dir, cpus));
        } catch (IOException | RuntimeException e) {
            return new Detection.NotEnforcing("cannot set up cgroup " + dir + ": " + e.getMessage());
        }
    }

    /** The parent of the job cgroups. */
    public Path parent() {
        return parent;
    }

    /**
     * Creates the job's cgroup {@code name} with its limits.
     *
     * @param memoryBytes {@code memory.max}; 0 for no limit
     * @param cpuCount    how many CPUs for {@code cpuset.cpus}; 0 for all
     * @return the cgroup's directory
     */
    public Path create(String name, long memoryBytes, int cpuCount) throws IOException {
        Path dir = parent.resolve(name);
        Files.createDirectories(dir);
        write(dir.resolve("memory.max"), memoryBytes > 0 ? Long.toString(memoryBytes) : "max");
        if (cpuCount > 0 && !cpus.isEmpty()) {
            List<Integer> chosen = take(dir, cpuCount);
            write(dir.resolve("cpuset.cpus"), formatCpuList(chosen));
        }
        return dir;
    }

    /**
     * The start of a command line that moves itself into {@code cgroup} and then runs the rest:
     * {@code bash -c 'echo $$ > CGROUP/cgroup.procs && exec "$@"' rota-cgroup}. Nothing the job
     * starts can escape, as it is in the cgroup before it runs.
     */
    static List<String> enterCommand(String bash, Path cgroup) {
        return List.of(bash, "-c", "echo $$ > \"$0\"/cgroup.procs || exit 124; exec \"$@\"", cgroup.toString());
    }

    /** The processes in {@code cgroup} now; empty when it is gone. */
    static Set<Long> processes(Path cgroup) {
        Set<Long> out = new HashSet<>();
        try {
            for (String line : Files.readAllLines(cgroup.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
                if (!line.isBlank()) {
                    out.add(Long.parseLong(line.strip()));
                }
            }
        } catch (NoSuchFileException e) {
            return Set.of();
        } catch (IOException | NumberFormatException e) {
            LOG.fine(() -> "cannot read " + cgroup + "/cgroup.procs: " + e);
        }
        return out;
    }

    /** Kills everything in {@code cgroup} ({@code cgroup.kill}, Linux 5.14 and later); false if it cannot. */
    static boolean kill(Path cgroup) {
        try {
            if (Files.exists(cgroup.resolve("cgroup.kill"))) {
                write(cgroup.resolve("cgroup.kill"), "1");
                return true;
            }
        } catch (IOException e) {
            LOG.fine(() -> "cannot write " + cgroup + "/cgroup.kill: " + e);
        }
        return false;
    }

    /** Removes an emptied job cgroup and gives its CPUs back. */
    public void remove(Path cgroup) {
        synchronized (this) {
            List<Integer> mine = held.remove(cgroup);
            if (mine != null) {
                mine.forEach(c -> cpuUse.merge(c, -1, Integer::sum));
            }
        }
        try {
            // A cgroup directory is removed with rmdir; its control files go with it.
            Files.deleteIfExists(cgroup);
        } catch (IOException e) {
            LOG.fine(() -> "cannot remove cgroup " + cgroup + ": " + e);
        }
    }

    private synchronized List<Integer> take(Path cgroup, int count) {
        List<Integer> order = new ArrayList<>(cpus);
        order.sort(Comparator.comparingInt((Integer c) -> cpuUse.getOrDefault(c, 0)).thenComparingInt(c -> c));
        List<Integer> chosen = new ArrayList<>(order.subList(0, Math.min(count, order.size())));
        chosen.sort(null);
        chosen.forEach(c -> cpuUse.merge(c, 1, Integer::sum));
        held.put(cgroup, chosen);
        return chosen;
    }

    /** Reads {@code file} from {@code dir}, else from {@code root}; "" when neither has it. */
    private static String readFirst(Path dir, String file, Path root) throws IOException {
        for (Path p : List.of(dir.resolve(file), root.resolve(file))) {
            if (Files.isRegularFile(p)) {
                String s = Files.readString(p, StandardCharsets.US_ASCII).strip();
                if (!s.isEmpty()) {
                    return s;
                }
            }
        }
        return "";
    }

    /**
     * A kernel CPU list ({@code 0-3,8,10-11}) as numbers, ascending.
     *
     * @throws IllegalArgumentException for anything else
     */
    static List<Integer> parseCpuList(String list) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : list.strip().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            try {
                int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).strip());
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).strip());
                if (from < 0 || to < from || to - from > 65535) {
                    throw new IllegalArgumentException("not a CPU list: '" + list + "'");
                }
                for (int c = from; c <= to; c++) {
                    out.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CPU list: '" + list + "'");
            }
        }
        return List.copyOf(out);
    }

    /** Numbers, ascending, as a kernel CPU list with ranges: {@code 0-3,8}. */
    static String formatCpuList(List<Integer> ascending) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < ascending.size()) {
            int j = i;
            while (j + 1 < ascending.size() && ascending.get(j + 1) == ascending.get(j) + 1) {
                j++;
            }
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(ascending.get(i));
            if (j > i) {
                b.append('-').append(ascending.get(j));
            }
            i = j + 1;
        }
        return b.toString();
    }

    private static void write(Path file, String value) throws IOException {
        // Control files take one write each; no truncation or temporary file.
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }
}
