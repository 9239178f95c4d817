package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.SubmitJobRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log and JSON logs over real processes: {@code rota cancel} and {@code rota drain}
 * against a real rotad (run with {@code --log-format json}) show up in {@code rota audit --json}
 * with the caller, the loopback peer and the outcome, and every log line rotad wrote is one JSON
 * object.
 */
class AuditIT {
    private static final java.time.Duration SOON = java.time.Duration.ofSeconds(30);

    @Test
    void a_cancel_and_a_drain_are_in_rota_audit_json_and_rotad_logs_json_lines(@TempDir Path dir) throws IOException {
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon("--log-format", "json").startAgent("node-1", 4);
            Path work = Files.createDirectories(dir.resolve("work"));
            long id = cluster.jobs().submitJob(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder()
                    .setName("sleeps").setNodes(1).setGpusPerNode(4).setScript("#!/bin/bash\nsleep 300\n")
                    .setWorkingDir(work.toString()).setTimeLimit(Duration.newBuilder().setSeconds(600))).build())
                    .getJobId();
            cluster.awaitState(id, JobState.JOB_STATE_RUNNING, SOON);

            var cancel = cluster.rota(work, "cancel", Long.toString(id));
            assertThat(cancel.exit()).as("%s", cancel).isZero();
            var drain = cluster.rota(work, "drain", "node-1", "--reason", "audit \"test\"");
            assertThat(drain.exit()).as("%s", drain).isZero();
            var missing = cluster.rota(work, "cancel", "999999");
            assertThat(missing.exit()).as("%s", missing).isEqualTo(1);

            var audit = cluster.rota(work, "audit", "--json");
            assertThat(audit.exit()).as("%s", audit).isZero();
            String user = System.getProperty("user.name");
            String out = audit.out();
            assertThat(out).containsSubsequence(
                    "\"user\": \"" + user + "\"", "\"action\": \"cancel\"", "\"target\": \"" + id + "\"",
                    "\"peer\": \"127.0.0.1:", "\"outcome\": \"OK\"",
                    "\"action\": \"drain\"", "\"target\": \"node-1\"", "\"detail\": \"audit \\\"test\\\"\"",
                    "\"peer\": \"127.0.0.1:", "\"outcome\": \"OK\"",
                    "\"action\": \"cancel\"", "\"target\": \"999999\"", "\"outcome\": \"NOT_FOUND\"");
            var table = cluster.rota(work, "audit", "--user", user, "-n", "1");
            assertThat(table.out()).as("%s", table).contains("cancel").contains("999999").contains("NOT_FOUND")
                    .doesNotContain("node-1");
        }
        // rotad's stdout banner shares the file; every other line must be one JSON object.
        List<String> logLines = Files.readAllLines(dir.resolve("rotad.log")).stream()
                .filter(l -> !l.startsWith("rotad ") && !l.startsWith("rotad:") && !l.isBlank()).toList();
        assertThat(logLines).isNotEmpty().allSatisfy(l -> assertThat(l)
                .matches("\\{\"time\":\"[0-9T:.-]+Z\",\"level\":\"[A-Z]+\",\"logger\":\"[^\"]+\",\"message\":.*\\}"));
    }
}
