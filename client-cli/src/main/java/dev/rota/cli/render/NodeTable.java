package dev.rota.cli.render;

import dev.rota.api.v1.Gpu;
import dev.rota.api.v1.Node;
import dev.rota.cli.render.Table.Column;
import dev.rota.cli.slurm.SlurmStates;
import dev.rota.core.node.Hostlist;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code rota nodes} views, states in lower case as {@code sinfo} prints them.
 *
 * <ul>
 *   <li>{@link #summary}: sinfo's default, one line per partition, state and GPU model:
 *       PARTITION STATE NODES GPUS(ALLOC/TOTAL) MODEL NODELIST;</li>
 *   <li>{@link #render} ({@code --long}): one line per node with health, heartbeat age and who
 *       drained it and when;</li>
 *   <li>{@link #details}: {@code rota node show}, Key=Value lines as scontrol show node.</li>
 * </ul>
 */
public final class NodeTable {
    private NodeTable() {}

    /** One line per (partition, state, GPU model), partitions and states in name order. */
    public static String summary(List<Node> nodes, Terminal terminal) {
        record Key(String partition, String state, String model) implements Comparable<Key> {
            @Override
            public int compareTo(Key o) {
                int c = partition.compareTo(o.partition);
                c = c != 0 ? c : state.compareTo(o.state);
                return c != 0 ? c : model.compareTo(o.model);
            }
        }
        Map<Key, List<Node>> groups = new TreeMap<>();
        for (Node node : nodes) {
            List<String> partitions = node.getPartitionsCount() == 0 ? List.of("-") : node.getPartitionsList();
            for (String p : partitions) {
                groups.computeIfAbsent(new Key(p, state(node), node.getGpuModel()), k -> new ArrayList<>()).add(node);
            }
        }
        Table table = new Table(Column.left("PARTITION"), Column.left("STATE"), Column.right("NODES"),
                Column.right("GPUS(ALLOC/TOTAL)"), Column.left("MODEL"), Column.left("NODELIST"));
        table.colour(1, NodeTable::stateColour);
        groups.forEach((key, members) -> {
            long allocated = members.stream().mapToLong(n -> Integer.toUnsignedLong(n.getGpusAllocated())).sum();
            long total = members.stream().mapToLong(n -> Integer.toUnsignedLong(n.getGpusTotal())).sum();
            table.row(key.partition(), key.state(), Integer.toString(members.size()), allocated + "/" + total,
                    key.model().isEmpty() ? "-" : key.model(),
                    Hostlist.compress(members.stream().map(Node::getName).toList()));
        });
        return table.render(terminal);
    }

    /**
     * One line per node: NODE PARTITIONS STATE GPUS(ALLOC/TOTAL) MODEL HEALTH HEARTBEAT DRAINED_BY
     * DRAINED_AT REASON.
     */
    public static String render(List<Node> nodes, ZoneId zone, Terminal terminal) {
        Table table = new Table(Column.left("NODE"), Column.left("PARTITIONS"), Column.left("STATE"),
                Column.right("GPUS(ALLOC/TOTAL)"), Column.left("MODEL"), Column.left("HEALTH"),
                Column.right("HEARTBEAT"), Column.left("DRAINED_BY"), Column.left("DRAINED_AT"), Column.left("REASON"));
        table.colour(2, NodeTable::stateColour);
        for (Node node : nodes) {
            table.row(node.getName(), node.getPartitionsCount() == 0 ? "-" : String.join(",", node.getPartitionsList()),
                    state(node), gpus(node), node.getGpuModel(), health(node), heartbeat(node),
                    node.getDrainedBy().isEmpty() ? "-" : node.getDrainedBy(),
                    node.hasDrainedAt() ? Timestamps.local(node.getDrainedAt(), zone) : "-",
                    node.getReason().replace('\n', ' '));
        }
        return table.render(terminal);
    }

    /** The old one-line-per-node table, kept for scripts: NODE STATE GPUS(ALLOC/TOTAL) MODEL ADDRESS REASON. */
    public static String render(List<Node> nodes) {
        Table table = new Table(Column.left("NODE"), Column.left("STATE"), Column.right("GPUS(ALLOC/TOTAL)"),
                Column.left("MODEL"), Column.left("ADDRESS"), Column.left("REASON"));
        for (Node node : nodes) {
            table.row(node.getName(), state(node), gpus(node), node.getGpuModel(), node.getAddress(),
                    node.getReason().replace('\n', ' '));
        }
        return table.render();
    }

    /** scontrol show node's Key=Value lines, then one line per GPU. */
    public static String details(Node node, ZoneId zone) {
        StringBuilder text = new StringBuilder();
        pair(text, "NodeName", node.getName());
        pair(text, "State", SlurmStates.name(node.getState()));
        pair(text, "Partitions", node.getPartitionsCount() == 0 ? "(null)" : String.join(",", node.getPartitionsList()));
        pair(text, "Address", orNull(node.getAddress()));
        pair(text, "Gpus", gpus(node) + " allocated");
        pair(text, "GpuModel", orNull(node.getGpuModel()));
        pair(text, "RunningJobs", node.getRunningJobIdsCount() == 0 ? "(null)"
                : String.join(",", node.getRunningJobIdsList().stream().map(Long::toUnsignedString).toList()));
        pair(text, "Reason", node.getReason().isEmpty() ? "None" : node.getReason());
        pair(text, "DrainedBy", orNull(node.getDrainedBy()));
        pair(text, "DrainedAt", node.hasDrainedAt() ? Timestamps.local(node.getDrainedAt(), zone) : "(null)");
        pair(text, "Heartbeat", node.hasHeartbeatAge() ? heartbeat(node) + " ago" : "(not connected)");
        pair(text, "AgentVersion", orNull(node.getAgentVersion()));
        pair(text, "Health", health(node));
        pair(text, "HealthWarnings", node.getHealthWarningsCount() == 0 ? "None"
                : String.join("; ", node.getHealthWarningsList()));
        for (Gpu gpu : node.getGpusList()) {
            pair(text, "Gpu" + Integer.toUnsignedString(gpu.getIndex()), orNull(gpu.getModel()) + " "
                    + (gpu.getMemoryBytes() / (1L << 30)) + "GiB " + orNull(gpu.getUuid())
                    + (gpu.getHealth().isEmpty() ? "" : " " + gpu.getHealth())
                    + (gpu.getHealthConditionsCount() == 0 ? "" : " (" + String.join("; ", gpu.getHealthConditionsList()) + ")"));
        }
        return text.toString();
    }

    private static void pair(StringBuilder text, String key, String value) {
        text.append(key).append('=').append(value.replace('\n', ' ')).append('\n');
    }

    private static String orNull(String value) {
        return value.isEmpty() ? "(null)" : value;
    }

    static String gpus(Node node) {
        return Integer.toUnsignedString(node.getGpusAllocated()) + "/" + Integer.toUnsignedString(node.getGpusTotal());
    }

    /** "ok", "-" when the agent reports no health, else counts of the GPUs not OK, e.g. "1 failed,2 warning". */
    static String health(Node node) {
        Map<String, Integer> bad = new TreeMap<>();
        boolean reported = false;
        for (Gpu gpu : node.getGpusList()) {
            if (!gpu.getHealth().isEmpty()) {
                reported = true;
                if (!gpu.getHealth().equals("OK")) {
                    bad.merge(gpu.getHealth().toLowerCase(Locale.ROOT), 1, Integer::sum);
                }
            }
        }
        if (!reported) {
            return "-";
        }
        if (bad.isEmpty()) {
            return "ok";
        }
        List<String> parts = new ArrayList<>();
        bad.forEach((state, count) -> parts.add(count + " " + state));
        return String.join(",", parts);
    }

    /** The heartbeat age, e.g. "3s" or "2m05s"; "-" when no agent is connected. */
    static String heartbeat(Node node) {
        if (!node.hasHeartbeatAge()) {
            return "-";
        }
        long s = node.getHeartbeatAge().getSeconds();
        return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s"
                : Duration.ofSeconds(s).toHours() + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }

    /** The node's state in lower case, e.g. {@code draining}. */
    public static String state(Node node) {
        return SlurmStates.name(node.getState()).toLowerCase(Locale.ROOT);
    }

    /** SGR codes: idle green, mixed/allocated cyan, drain yellow, down red. */
    static String stateColour(String state) {
        return switch (state) {
            case "idle" -> "32";
            case "mixed", "allocated" -> "36";
            case "draining", "drained" -> "33";
            case "down", "not_responding" -> "31";
            default -> null;
        };
    }
}
