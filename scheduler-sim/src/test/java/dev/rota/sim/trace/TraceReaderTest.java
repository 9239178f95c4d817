package dev.rota.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading traces: Philly's job table and the generic CSV; every bad line named by file:line. */
class TraceReaderTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void philly_rows_are_sorted_by_submit_time_and_keep_only_listed_vcs_with_their_node_shares() throws Exception {
        Path jobs = file("philly_jobs.csv", """
                timestamp,duration,num_gpus,gpu_time,cluster
                2017-10-09 07:01:55,66.0,1,66.0,11cb48
                2017-10-09 06:13:03,2951.5,16,47224.0,6214e9
                2017-10-09 06:13:03,10.0,1,10.0,23dbec
                2017-10-09 06:13:03,20.0,2,40.0,11cb48

                """);
        Path vcs = file("vcs.csv", "vc,node num\n6214e9,64\n11cb48,16\n");
        Trace t = TraceReader.philly(jobs, vcs);

        assertThat(t.jobs()).hasSize(3);
        assertThat(t.accounts()).containsEntry("6214e9", 64L).containsEntry("11cb48", 16L).hasSize(2);
        TraceJob first = t.jobs().get(0);
        assertThat(first.submit()).isEqualTo(Instant.parse("2017-10-09T06:13:03Z"));
        assertThat(first.duration()).isEqualTo(Duration.ofMillis(2_951_500));
        assertThat(first.gpus()).isEqualTo(16);
        assertThat(first.account()).isEqualTo("6214e9");
        assertThat(first.source()).endsWith("philly_jobs.csv:3");
        assertThat(t.jobs().get(1).source()).endsWith(":5"); // same second, file order kept
        assertThat(t.jobs().get(2).account()).isEqualTo("11cb48");
        assertThat(t.jobs()).extracting(TraceJob::index).containsExactly(0, 1, 2);
        assertThat(first.limit()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad time      | 2017-13-09 07:01:55,66.0,1,66.0,vc1 | :3: timestamp '2017-13-09 07:01:55' is not a time",
        "zero duration | 2017-10-09 07:01:55,0,1,0,vc1       | :3: duration must be a positive number of seconds",
        "text duration | 2017-10-09 07:01:55,abc,1,0,vc1     | :3: duration 'abc' is not a number of seconds",
        "no gpus       | 2017-10-09 07:01:55,5,0,0,vc1       | :3: num_gpus must be a whole number of at least 1, got '0'",
        "bad vc        | 2017-10-09 07:01:55,5,1,5,a b       | :3: cluster 'a b' is not an account name",
        "short row     | 2017-10-09 07:01:55,5,1                | :3: expected 5 fields like the header, found 3",
    })
    void a_bad_philly_line_is_reported_with_file_and_line(String name, String row, String message) throws Exception {
        Path jobs = file("philly_jobs.csv", "timestamp,duration,num_gpus,gpu_time,cluster\n"
                + "2017-10-09 06:00:00,5,1,5,vc1\n" + row + "\n");
        assertThatThrownBy(() -> TraceReader.philly(jobs, null))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith(jobs + message.substring(0, message.indexOf(' ', 1)))
                .hasMessageContaining(message.substring(message.indexOf(' ') + 1));
    }

    @Test
    void a_missing_column_names_the_header_line() throws Exception {
        Path jobs = file("t.csv", "timestamp,duration,gpus,cluster\n");
        assertThatThrownBy(() -> TraceReader.philly(jobs, null)).isInstanceOf(TraceFormatException.class)
                .hasMessage(jobs + ":1: the header has no column 'num_gpus' (it has cluster, duration, gpus, timestamp)");
    }

    @Test
    void the_generic_format_takes_columns_in_any_order_comments_and_optional_limits() throws Exception {
        Path csv = file("jobs.csv", """
                # a comment
                account,gpus,duration,submit,limit
                lab,4,3600,2017-10-01 00:00:10,2:00:00
                lab,1,30.5,5,
                other,8,100,2017-10-01T00:00:00Z,7200
                """);
        Trace t = TraceReader.generic(csv);
        assertThat(t.jobs()).hasSize(3);
        assertThat(t.jobs().get(0).submit()).isEqualTo(Instant.ofEpochSecond(5));
        assertThat(t.jobs().get(0).limit()).isNull();
        assertThat(t.jobs().get(1).account()).isEqualTo("other");
        assertThat(t.jobs().get(1).limit()).isEqualTo(Duration.ofHours(2));
        assertThat(t.jobs().get(2).limit()).isEqualTo(Duration.ofHours(2));
        assertThat(t.jobs().get(2).source()).isEqualTo(csv + ":3");
        assertThat(t.accounts()).containsOnlyKeys("lab", "other");
    }

    @Test
    void a_bad_generic_limit_is_reported_with_file_and_line() throws Exception {
        Path csv = file("jobs.csv", "submit,duration,gpus,account,limit\n0,10,1,lab,soon\n");
        assertThatThrownBy(() -> TraceReader.generic(csv)).isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith(csv + ":2: limit 'soon' is not seconds or a Slurm time");
    }

    @Test
    void an_empty_file_has_no_header() throws Exception {
        Path csv = file("empty.csv", "\n# nothing\n");
        assertThatThrownBy(() -> TraceReader.generic(csv)).isInstanceOf(TraceFormatException.class)
                .hasMessage(csv + ":1: empty file: no header line");
    }
}
