package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.JobSpec;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What rota submit sends of --signal, --mem and --cpus-per-task (enforced by the agents). */
class SubmitLimitsTest {
    private final FakeRotad rotad = new FakeRotad();
    @TempDir
    Path home;

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    private Caller alice() {
        return new Caller("alice", Map.of("PATH", "/usr/bin"), home, new ByteArrayInputStream(new byte[0]));
    }

    @Test
    void directivesAndTheCommandLineReachTheSpec() throws Exception {
        Files.writeString(home.resolve("job.sh"), """
                #!/bin/bash
                #SBATCH --signal=B:USR1@120 --mem=64G
                #SBATCH -c 4
                srun python train.py
                """);

        var result = rotad.rota(alice(), "submit", "--mem=2000", "job.sh");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JobSpec spec = rotad.submitted.getFirst();
        assertThat(spec.getSignal()).isEqualTo("B:USR1@120");
        assertThat(spec.getMemPerNodeBytes()).as("the command line wins; plain numbers are MiB").isEqualTo(2000L << 20);
        assertThat(spec.getCpusPerTask()).isEqualTo(4);
    }

    @Test
    void memZeroMeansNoLimitAndNothingGivenSendsNothing() throws Exception {
        Files.writeString(home.resolve("job.sh"), "#!/bin/bash\n#SBATCH --mem=0\ntrue\n");
        Files.writeString(home.resolve("plain.sh"), "#!/bin/bash\ntrue\n");

        rotad.rota(alice(), "submit", "job.sh");
        rotad.rota(alice(), "submit", "plain.sh");

        assertThat(rotad.submitted.get(0).getMemPerNodeBytes()).isZero();
        assertThat(rotad.submitted.get(1).getMemPerNodeBytes()).isZero();
        assertThat(rotad.submitted.get(1).getCpusPerTask()).isZero();
        assertThat(rotad.submitted.get(1).getSignal()).isEmpty();
    }

    @Test
    void aBadSignalIsAnErrorWithItsLine() throws Exception {
        Files.writeString(home.resolve("job.sh"), "#!/bin/bash\n#SBATCH --signal=KILL@10\ntrue\n");

        var result = rotad.rota(alice(), "submit", "job.sh");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("job.sh:2: invalid --signal value 'KILL@10': SIGKILL cannot be trapped");
        assertThat(rotad.submitted).isEmpty();
    }
}
