package dev.rota.agent.gpu;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads {@code nvidia-smi topo -m}: the matrix of links between GPUs (and NICs), then each GPU's CPU
 * affinity, NUMA affinity and GPU NUMA id. Only the NUMA affinity is used (to keep a partial-node
 * job on one NUMA side). Pure; tolerant: colour escapes (nvidia-smi writes them even to a file),
 * missing columns and {@code N/A} give no entry rather than an error.
 */
public final class TopologyMatrix {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final Pattern GPU_ROW = Pattern.compile("GPU(\\d+)");

    private TopologyMatrix() {
    }

    /** GPU index to its NUMA node, for the GPUs whose "NUMA Affinity" is a single node. */
    public static Map<Integer, Integer> numaNodes(String output) {
        Map<Integer, Integer> out = new TreeMap<>();
        int column = -1;
        for (String raw : output.split("\\R")) {
            String line = ANSI.matcher(raw).replaceAll("");
            String[] cells = line.split("\t", -1);
            if (column < 0) {
                for (int i = 0; i < cells.length; i++) {
                    if (cells[i].strip().equalsIgnoreCase("NUMA Affinity")) {
                        column = i;
                    }
                }
                continue;
            }
            var row = GPU_ROW.matcher(cells[0].strip());
            if (!row.matches() || cells.length <= column) {
                continue;
            }
            String numa = cells[column].strip();
            if (numa.matches("\\d{1,4}")) {
                out.put(Integer.parseInt(row.group(1)), Integer.parseInt(numa));
            }
        }
        return out;
    }
}
