package dev.rota.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** rota-sim's exit statuses and messages: 0 done, 1 the run failed (bad trace), 2 usage. */
class SimMainTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SimMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no trace       | --out x                                         | --trace is required",
        "bad policy     | --trace synthetic --out x --policies fifo,lifo  | unknown policy 'lifo' (known: fifo, easy, rota, sjf-oracle)",
        "bad cluster    | --trace synthetic --out x --cluster 80by8       | cluster must look like 80x8,leaf=8",
        "bad date       | --trace synthetic --out x --from 2017-13-01     | '2017-13-01' is not a date",
        "unknown option | --trace synthetic --out x --fast                | unknown option --fast",
        "bad factors    | --trace synthetic --out x --limit-factor 3      | limit factor range must look like 1..3",
        "bad trace kind | --trace swf:x.swf --out x                       | --trace must start with philly:, csv: or synthetic",
        "bad synthetic  | --trace synthetic:jobs=5,speed=2 --out x        | unknown synthetic trace option(s): speed",
    })
    void usage_errors_exit_2_and_say_what_is_wrong(String name, String args, String message) {
        assertThat(run(args.strip().split("\\s+"))).isEqualTo(2);
        assertThat(err()).contains(message);
    }

    @Test
    void a_bad_trace_line_exits_1_naming_file_and_line_and_writes_nothing() throws Exception {
        Path trace = dir.resolve("jobs.csv");
        Files.writeString(trace, "submit,duration,gpus,account\n0,10,1,lab\n5,ten,1,lab\n");
        Path out = dir.resolve("out");
        assertThat(run("--trace", "csv:" + trace, "--out", out.toString())).isEqualTo(1);
        assertThat(err()).contains(trace + ":3: duration 'ten' is not a number of seconds");
        assertThat(out).doesNotExist();
    }

    @Test
    void a_job_larger_than_the_cluster_is_counted_as_rejected_not_a_failure() throws Exception {
        Path trace = dir.resolve("jobs.csv");
        Files.writeString(trace, "submit,duration,gpus,account\n0,10,1,lab\n1,10,64,lab\n");
        assertThat(run("--trace", "csv:" + trace, "--cluster", "2x8", "--out", dir.resolve("o").toString(), "--json",
                "--policies", "easy")).isZero();
        String json = out.toString(StandardCharsets.UTF_8);
        assertThat(json).contains("\"completed\": 1, \"rejected\": 1, \"unfinished\": 0");
        assertThat(Files.readString(dir.resolve("o/easy/decisions.log"))).contains("reject trace=1 reason=requests 8 nodes");
    }

    @Test
    void help_exits_0() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: rota-sim");
    }
}
