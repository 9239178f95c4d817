package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU energy end to end: a rota-agent with the test suite's fake nvidia-smi (each GPU's power.draw
 * scripted) runs a real job; the agent integrates the power of the job's GPU, reports it when it
 * releases the job, and rotad stores it on the job (rota show, --json) and counts it for the account
 * (rota_account_energy_joules_total).
 */
class EnergyIT {
    private static final Duration SOON = Duration.ofSeconds(60);
    private static final Path FAKES = RotaProcesses.ROOT.resolve("node-agent/src/test/resources/fake-nvidia-smi");
    private static final String HEADER = "index, uuid, name, memory.total, pci.bus_id, temperature.gpu, power.draw, "
            + "ecc.errors.uncorrected.volatile.total, retired_pages.pending, clocks_throttle_reasons.active";

    private static String row(int index, String watts) {
        return index + ", GPU-it-" + index + ", NVIDIA H100 80GB HBM3, 81559, "
                + String.format(java.util.Locale.ROOT, "00000000:%02X:00.0", 0x18 + index) + ", 40, " + watts
                + ", 0, [N/A], 0x0000000000000004";
    }

    @Test
    void a_jobs_gpu_energy_is_shown_and_counted_for_its_account(@TempDir Path dir) throws Exception {
        Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
        for (String tool : List.of("nvidia-smi", "dmesg")) {
            Files.copy(FAKES.resolve(tool), fakeBin.resolve(tool), StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(fakeBin.resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // The job gets one GPU; both draw 400 W, so its share is 400 W whichever it gets.
        Files.writeString(fakeBin.resolve("gpus.csv"), HEADER + "\n" + row(0, "400.00") + "\n" + row(1, "400.00") + "\n");
        try (RotaProcesses cluster = new RotaProcesses(dir)) {
            cluster.startDaemon().startAgentWith("gpu-a", Map.of("PATH", fakeBin + ":" + System.getenv("PATH")),
                    "--health-interval", "0.2");
            Path work = Files.createDirectories(dir.resolve("work"));
            Files.writeString(work.resolve("burn.sh"), "#!/bin/bash\n#SBATCH --gpus-per-node=1\nsleep 3\n");

            RotaProcesses.Result submitted = cluster.rota(work, "submit", "burn.sh");
            Matcher m = Pattern.compile("Submitted batch job (\\d+)").matcher(submitted.out());
            assertThat(m.find()).as("%s", submitted).isTrue();
            long id = Long.parseLong(m.group(1));

            Job job = cluster.awaitJob(id, "to end with its energy", SOON, Job::hasEnergyJoules);
            assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
            // 400 W for the 3 s run, less up to a poll and a look before the first sample.
            assertThat(job.getEnergyJoules()).isBetween(400 * 2.4, 400 * 3.6);

            RotaProcesses.Result show = cluster.rota(work, "show", Long.toString(id));
            assertThat(show.out()).containsPattern("\nEnergy=\\d+J \\(0\\.00\\dkWh\\)\n");
            RotaProcesses.Result json = cluster.rota(work, "show", Long.toString(id), "--json");
            assertThat(json.out()).contains("\"energy_joules\": " + job.getEnergyJoules());

            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + cluster.metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher counter = Pattern.compile("rota_account_energy_joules_total\\{account=\"([^\"]+)\"[^}]*} (\\S+)")
                    .matcher(metrics.body());
            assertThat(counter.find()).as("the account's energy counter in:\n%s", metrics.body()).isTrue();
            assertThat(counter.group(1)).isEqualTo(job.getAccount());
            assertThat(Double.parseDouble(counter.group(2))).isCloseTo(job.getEnergyJoules(),
                    org.assertj.core.data.Offset.offset(1e-6));
        }
    }
}
