package dev.rota.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real path on real data: rota-sim over two days of the Philly trace (a slice kept in test
 * resources) on a small cluster that makes jobs queue, every policy, every output file.
 */
class PhillySmokeTest {

    @Test
    void two_days_of_philly_under_every_policy(@TempDir Path out) throws Exception {
        Path jobs = Path.of(getClass().getResource("/philly/philly_jobs.csv").toURI());
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = SimMain.run(new String[] {"--trace", "philly:" + jobs, "--cluster", "8x8,leaf=4",
            "--from", "2017-10-01", "--to", "2017-10-02", "--seed", "3", "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));

        assertThat(status).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        String summary = stdout.toString(StandardCharsets.UTF_8);
        assertThat(summary).contains("| fifo |", "| easy |", "| rota |", "| sjf-oracle |", "Rota against the bounds");
        for (String f : new String[] {"results.json", "summary.md", "jct-cdf.svg", "utilisation.svg", "queue.svg",
            "fifo/decisions.log", "easy/decisions.log", "rota/decisions.log", "sjf-oracle/decisions.log"}) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        try (var files = Files.walk(out)) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
        String json = Files.readString(out.resolve("results.json"));
        // Only the 11 VCs of philly_vc_nodes.csv, submitted in the window; every job ran to completion.
        long jobs2 = Files.readAllLines(jobs).stream().filter(l -> l.startsWith("2017-10-01") || l.startsWith("2017-10-02"))
                .filter(l -> !l.matches(".*,(23dbec|51b7ef|925e2b|795a4c)$")).count();
        assertThat(json).contains("\"jobs\": " + jobs2 + ",");
        assertThat(json.split("\"completed\": " + jobs2 + ",", -1)).hasSize(5);
        assertThat(json).contains("\"unfinished\": 0").doesNotContain("\"unfinished\": 1");
        assertThat(Files.readString(out.resolve("jct-cdf.svg"))).startsWith("<svg").contains("sjf-oracle");
        // A strict FIFO queue never beats EASY backfill on the same trace by much; here it loses.
        assertThat(Files.readString(out.resolve("fifo/decisions.log")))
                .isNotEqualTo(Files.readString(out.resolve("easy/decisions.log")));
    }
}
