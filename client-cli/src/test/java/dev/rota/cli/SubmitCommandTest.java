package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.JobSpec;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmitCommandTest {
    private final FakeRotad rotad = new FakeRotad();

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    @Test
    void wrapSendsTheWholeSpecAsTheCaller() {
        var result = rotad.rota("submit", "-N", "2", "--gpus-per-node", "4", "--ntasks-per-node", "8",
                "-t", "10:00", "-A", "ml-research", "-p", "gpu", "-o", "logs/%x-%j.out", "-e", "logs/%j.err",
                "--wrap", "python train.py --lr 3e-4");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("Submitted batch job 1\n");
        assertThat(result.err()).isEmpty();
        JobSpec spec = rotad.submitted.getFirst();
        assertThat(spec.getScript()).isEqualTo("#!/bin/bash\npython train.py --lr 3e-4\n");
        assertThat(spec.getScriptArgsList()).isEmpty();
        assertThat(spec.getName()).isEqualTo("wrap");
        assertThat(spec.getNodes()).isEqualTo(2);
        assertThat(spec.getGpusPerNode()).isEqualTo(4);
        assertThat(spec.getNtasksPerNode()).isEqualTo(8);
        assertThat(spec.getTimeLimit().getSeconds()).isEqualTo(600);
        assertThat(spec.getAccount()).isEqualTo("ml-research");
        assertThat(spec.getPartition()).isEqualTo("gpu");
        assertThat(spec.getOutputPattern()).isEqualTo("logs/%x-%j.out");
        assertThat(spec.getErrorPattern()).isEqualTo("logs/%j.err");
        assertThat(spec.getWorkingDir()).isEqualTo("/home/alice/exp");
        assertThat(spec.getEnvironmentMap()).as("alice's environment, and what sbatch adds")
                .containsAllEntriesOf(FakeRotad.ALICE.environment())
                .containsEntry("SLURM_GPUS_PER_NODE", "4")
                .hasSize(FakeRotad.ALICE.environment().size() + 1);
        assertThat(rotad.callers).containsExactly("alice");
    }

    @Test
    void defaultsAreOneNodeOneTaskNoGpusAndAnHour() {
        rotad.rota("submit", "--wrap", "hostname");

        JobSpec spec = rotad.submitted.getFirst();
        assertThat(spec.getNodes()).isEqualTo(1);
        assertThat(spec.getNtasksPerNode()).isEqualTo(1);
        assertThat(spec.getGpusPerNode()).isZero();
        assertThat(spec.getTimeLimit().getSeconds()).isEqualTo(3600);
        assertThat(spec.getAccount()).isEmpty();
        assertThat(spec.getPartition()).isEmpty();
        assertThat(spec.getOutputPattern()).isEmpty();
        assertThat(spec.getErrorPattern()).isEmpty();
    }

    @Test
    void parsablePrintsOnlyTheId() {
        var result = rotad.rota("submit", "--parsable", "--wrap", "hostname");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("1\n");
    }

    @Test
    void jsonPrintsTheIdAsAnObject() {
        var result = rotad.rota("submit", "--json", "--wrap", "hostname");

        assertThat(result.out()).isEqualTo("{\n  \"job_id\": 1\n}\n");
    }

    @Test
    void aScriptFileIsSentWithItsDirectivesAppliedItsArgumentsAndNamedAfterItself(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("train.sh"), "#!/bin/bash\n#SBATCH --gpus-per-node=8\nsrun python train.py \"$@\"\n");
        Caller inHome = new Caller("alice", Map.of(), home, new ByteArrayInputStream(new byte[0]));

        var result = rotad.rota(inHome, "submit", "-D", "runs/../out", "train.sh", "--lr", "0.1", "-N", "3");

        assertThat(result.exitCode()).isZero();
        JobSpec spec = rotad.submitted.getFirst();
        assertThat(spec.getScript()).isEqualTo("#!/bin/bash\n#SBATCH --gpus-per-node=8\nsrun python train.py \"$@\"\n");
        assertThat(spec.getScriptArgsList()).as("everything after SCRIPT belongs to the script")
                .containsExactly("--lr", "0.1", "-N", "3");
        assertThat(spec.getNodes()).isEqualTo(1);
        assertThat(spec.getGpusPerNode()).as("from #SBATCH --gpus-per-node=8").isEqualTo(8);
        assertThat(spec.getName()).isEqualTo("train.sh");
        assertThat(spec.getWorkingDir()).isEqualTo(home.resolve("out").toString());
    }

    @Test
    void aDashReadsTheScriptFromStdin() {
        Caller piping = new Caller("alice", Map.of(), Path.of("/tmp"),
                new ByteArrayInputStream("#!/bin/bash\nnvidia-smi\n".getBytes(StandardCharsets.UTF_8)));

        var result = rotad.rota(piping, "submit", "-J", "smi", "-");

        assertThat(result.exitCode()).isZero();
        assertThat(rotad.submitted.getFirst().getScript()).isEqualTo("#!/bin/bash\nnvidia-smi\n");
        assertThat(rotad.submitted.getFirst().getName()).isEqualTo("smi");
    }

    @Test
    void aMissingScriptFailsBeforeCallingTheDaemon(@TempDir Path home) {
        Caller inHome = new Caller("alice", Map.of(), home, new ByteArrayInputStream(new byte[0]));

        var result = rotad.rota(inHome, "submit", "x.sh");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("rota: cannot read script 'x.sh': No such file\n");
        assertThat(result.out()).isEmpty();
        assertThat(rotad.callers).isEmpty();
    }

    @Test
    void anEmptyScriptIsRefused(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("empty.sh"), "");
        Caller inHome = new Caller("alice", Map.of(), home, new ByteArrayInputStream(new byte[0]));

        var result = rotad.rota(inHome, "submit", "empty.sh");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("rota: script 'empty.sh' is empty\n");
    }

    @Test
    void scriptAndWrapTogetherIsAUsageError() {
        var result = rotad.rota("submit", "--wrap", "hostname", "job.sh");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: give either SCRIPT or --wrap, not both\n")
                .contains("Try 'rota submit --help'");
        assertThat(rotad.submitted).isEmpty();
    }

    @Test
    void neitherScriptNorWrapIsAUsageError() {
        var result = rotad.rota("submit", "-N", "2");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: nothing to submit: give a SCRIPT, '-' to read one from stdin, or --wrap CMD\n");
    }

    @Test
    void aBadTimeIsAUsageErrorNamingTheValue() {
        var result = rotad.rota("submit", "-t", "1:2:3:4", "--wrap", "hostname");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith(
                "rota: invalid --time value '1:2:3:4' (use M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)\n"
                        + "Try 'rota submit --help' for more information.");
        assertThat(rotad.submitted).isEmpty();
    }

    @Test
    void unlimitedTimeAsksForTheLongestLimitWithAWarning() {
        var result = rotad.rota("submit", "--time", "UNLIMITED", "--wrap", "hostname");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEqualTo("rota: warning: --time=UNLIMITED: Rota has no jobs without a time limit "
                + "yet; the job gets the longest it allows, 365-00:00:00\n");
        assertThat(rotad.submitted.getFirst().getTimeLimit().getSeconds()).isEqualTo(365L * 86_400);
    }

    @Test
    void zeroNodesIsAUsageError() {
        var result = rotad.rota("submit", "-N", "0", "--wrap", "hostname");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("rota: invalid --nodes value '0' (use N or MIN-MAX, e.g. 2 or 2-4)\n");
    }

    @Test
    void theDaemonsRefusalIsShownAsIs() {
        rotad.submitRejection = Status.FAILED_PRECONDITION
                .withDescription("no partition has nodes with 16 GPUs (largest: 8 on gpu)");

        var result = rotad.rota("submit", "--gpus-per-node", "16", "--wrap", "hostname");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("rota: no partition has nodes with 16 GPUs (largest: 8 on gpu)\n");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void helpNeedsNoDaemon() {
        var result = rotad.rota("submit", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: rota submit").contains("--wrap=CMD", "--time=TIME");
        assertThat(rotad.callers).isEmpty();
    }

    @Test
    void everyCallCarriesTheUserHeader() {
        rotad.rota("submit", "--wrap", "a");
        rotad.rota(new Caller("bob", Map.of(), Path.of("/home/bob"), new ByteArrayInputStream(new byte[0])),
                "submit", "--wrap", "b");

        assertThat(rotad.callers).isEqualTo(List.of("alice", "bob"));
        assertThat(rotad.jobs.values()).extracting(job -> job.getUser()).containsExactly("alice", "bob");
    }
}
