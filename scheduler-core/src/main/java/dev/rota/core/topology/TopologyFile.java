package dev.rota.core.topology;

import dev.rota.core.node.Hostlist;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a Slurm {@code topology.conf}-style file into a {@link Topology}. Pure: text in, value out.
 *
 * <pre>
 * # leaf switches (or NVLink blocks) list nodes, higher switches list switches; hostlists allowed
 * SwitchName=leaf01 Nodes=gpu[001-032]
 * SwitchName=leaf02 Nodes=gpu[033-064]
 * BlockName=nvl01   Nodes=gb[01-18]
 * SwitchName=spine1 Switches=leaf[01-02],nvl01
 * </pre>
 *
 * <p>{@code BlockName=} (Slurm's topology/block) is read as a leaf: an NVLink domain is the best
 * place a gang can land, so it sits at the bottom of the tree. {@code LinkSpeed=} is accepted and
 * ignored. Keys are case-insensitive; {@code #} starts a comment.
 */
public final class TopologyFile {
    private TopologyFile() {
    }

    /** Every problem in a topology file, each as {@code source:line: message}. */
    public static final class InvalidTopologyException extends Exception {
        private final List<String> problems;

        InvalidTopologyException(List<String> problems) {
            super(String.join("\n", problems), null, false, false);
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * Parses {@code text}, read from {@code source} (a file name, for messages).
     *
     * @throws InvalidTopologyException listing every problem found, with its line
     */
    public static Topology parse(String text, String source) throws InvalidTopologyException {
        List<String> problems = new ArrayList<>();
        Map<String, Topology.Switch> switches = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        Map<String, Integer> leafLineOfNode = new HashMap<>();
        Map<String, String> leafOfNode = new HashMap<>();
        Map<String, String> parentOf = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            Map<String, String> pairs = new LinkedHashMap<>();
            String bad = null;
            for (String token : line.split("\\s+")) {
                int eq = token.indexOf('=');
                if (eq <= 0 || eq == token.length() - 1) {
                    bad = "expected Key=Value, found '" + token + "'";
                    break;
                }
                String key = token.substring(0, eq).toLowerCase(Locale.ROOT);
                if (pairs.put(key, token.substring(eq + 1)) != null) {
                    bad = "'" + token.substring(0, eq) + "' is given twice";
                    break;
                }
            }
            if (bad != null) {
                problems.add(source + ":" + n + ": " + bad);
                continue;
            }
            String kind = pairs.keySet().iterator().next();
            if (!kind.equals("switchname") && !kind.equals("blockname")) {
                if (kind.equals("blocksizes") && pairs.size() == 1) {
                    continue; // Slurm's block sizes: placement aligns to whole blocks anyway.
                }
                problems.add(source + ":" + n + ": unknown key '" + line.split("=", 2)[0]
                        + "' (a line starts with SwitchName= or BlockName=)");
                continue;
            }
            String name = pairs.get(kind);
            String nodes = pairs.get("nodes");
            String children = pairs.get("switches");
            for (String key : pairs.keySet()) {
                if (!key.equals(kind) && !key.equals("nodes") && !key.equals("switches") && !key.equals("linkspeed")) {
                    problems.add(source + ":" + n + ": unknown key '" + key + "' for " + name
                            + " (known: Nodes, Switches, LinkSpeed)");
                }
            }
            if (kind.equals("blockname") && children != null) {
                problems.add(source + ":" + n + ": block " + name + " lists switches; a block holds Nodes= only");
                continue;
            }
            if ((nodes == null) == (children == null)) {
                problems.add(source + ":" + n + ": " + name + " needs exactly one of Nodes=HOSTLIST or Switches=LIST");
                continue;
            }
            if (switches.containsKey(name)) {
                problems.add(source + ":" + n + ": " + name + " is already defined on line " + lineOf.get(name));
                continue;
            }
            List<String> members;
            try {
                members = Hostlist.expand(nodes != null ? nodes : children);
            } catch (IllegalArgumentException e) {
                problems.add(source + ":" + n + ": " + e.getMessage());
                continue;
            }
            if (nodes != null) {
                for (String node : members) {
                    String before = leafOfNode.putIfAbsent(node, name);
                    if (before != null) {
                        problems.add(source + ":" + n + ": node " + node + " is already under " + before + " (line "
                                + leafLineOfNode.get(node) + "); a node sits in one leaf");
                    } else {
                        leafLineOfNode.put(node, n);
                    }
                }
                switches.put(name, new Topology.Switch(name, members, List.of()));
            } else {
                for (String child : members) {
                    String before = parentOf.putIfAbsent(child, name);
                    if (before != null) {
                        problems.add(source + ":" + n + ": " + child + " is already under " + before + " (line "
                                + lineOf.get(before) + "); a switch has one parent");
                    }
                }
                switches.put(name, new Topology.Switch(name, List.of(), members));
            }
            lineOf.put(name, n);
        }
        for (Topology.Switch s : switches.values()) {
            for (String child : s.children()) {
                if (!switches.containsKey(child)) {
                    problems.add(source + ":" + lineOf.get(s.name()) + ": " + s.name() + " lists " + child
                            + ", which no SwitchName= or BlockName= line defines");
                }
            }
        }
        if (problems.isEmpty()) {
            for (Topology.Switch s : switches.values()) {
                String at = parentOf.get(s.name());
                for (int steps = 0; at != null && steps <= switches.size(); steps++) {
                    if (at.equals(s.name())) {
                        problems.add(source + ":" + lineOf.get(s.name()) + ": " + s.name()
                                + " is its own ancestor (a loop through " + parentOf.get(s.name()) + ")");
                        break;
                    }
                    at = parentOf.get(at);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidTopologyException(problems);
        }
        try {
            return new Topology(List.copyOf(switches.values()));
        } catch (IllegalArgumentException e) {
            throw new InvalidTopologyException(List.of(source + ": " + e.getMessage()));
        }
    }
}
