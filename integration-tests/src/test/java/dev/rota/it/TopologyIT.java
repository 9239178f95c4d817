package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology file end to end: bin/rotad refuses a broken one with its lines; with a good one a
 * gang lands inside one leaf switch even where name order would split it, and `rota nodes --json`
 * shows where each node sits.
 */
class TopologyIT {
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)");

    @Test
    void a_broken_topology_file_stops_rotad_with_its_lines(@TempDir Path dir) throws Exception {
        Path topology = dir.resolve("topology.conf");
        Files.writeString(topology, "SwitchName=leaf1 Nodes=node-[1-2]\nSwitchName=leaf2 Nodes=node-[2-3]\n"
                + "SwitchName=spine Switches=leaf[1-3]\n");
        RotaProcesses.Result rotad = RotaProcesses.rotadRefusing(dir, "--topology", topology.toString());

        assertThat(rotad.exit()).isEqualTo(2);
        assertThat(rotad.err())
                .contains(topology + ":2: node node-2 is already under leaf1 (line 1)")
                .contains(topology + ":3: spine lists leaf3, which no SwitchName= or BlockName= line defines");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void a_gang_lands_inside_one_leaf(@TempDir Path dir) throws Exception {
        // Leaves interleave the names, so "the first free nodes by name" would span both leaves.
        Path topology = dir.resolve("topology.conf");
        Files.writeString(topology, """
                SwitchName=leaf1 Nodes=node-[1,3]
                SwitchName=leaf2 Nodes=node-[2,4]
                SwitchName=spine Switches=leaf[1-2]
                """);
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon("--topology", topology.toString());
            for (int i = 1; i <= 4; i++) {
                cluster.startAgent("node-" + i, 8);
            }
            Path work = Files.createDirectories(dir.resolve("work"));
            Files.writeString(work.resolve("one.sh"), "#!/bin/bash\n#SBATCH -N 1 --gpus-per-node=8 -t 5\nsleep 300\n");
            Files.writeString(work.resolve("gang.sh"), "#!/bin/bash\n#SBATCH -N 2 --gpus-per-node=8 -t 5\nsleep 300\n");
            // A whole-node job packs into the first of two equally busy leaves (node-1 in leaf1); then
            // leaf1 keeps one free node and leaf2 two, so the gang must take node-2 and node-4.
            long one = submitted(cluster.rota(work, "submit", "one.sh"));
            cluster.await("job " + one + " to run", Duration.ofSeconds(60),
                    () -> cluster.rota(work, "show", Long.toString(one)).out().contains("RUNNING"));
            long gang = submitted(cluster.rota(work, "submit", "gang.sh"));
            cluster.await("the gang to run", Duration.ofSeconds(60),
                    () -> cluster.rota(work, "show", Long.toString(gang)).out().contains("RUNNING"));
            assertThat(cluster.rota(work, "show", "--json", Long.toString(one)).out()).contains("\"node-1\"");
            var show = cluster.rota(work, "show", "--json", Long.toString(gang));
            assertThat(show.out()).as(show.toString()).containsPattern("\"node-2\"").containsPattern("\"node-4\"")
                    .doesNotContain("\"node-3\"");

            var nodes = cluster.rota(work, "nodes", "--json");
            assertThat(nodes.out()).as(nodes.toString())
                    .containsPattern("\"switches\": \\[\\s*\"spine\",\\s*\"leaf2\"\\s*\\]");
            cluster.rota(work, "cancel", Long.toString(one), Long.toString(gang));
        }
    }

    private static long submitted(RotaProcesses.Result r) {
        Matcher m = SUBMITTED.matcher(r.out());
        assertThat(m.find()).as(r.toString()).isTrue();
        return Long.parseLong(m.group(1));
    }
}
