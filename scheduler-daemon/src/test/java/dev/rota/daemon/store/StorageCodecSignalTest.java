package dev.rota.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.job.WarnSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@code --signal} is stored with the job and read back; records from before it have none. */
class StorageCodecSignalTest {
    private static final JobSpec SPEC = new JobSpec("train", "alice", "lab", "main", 1, 1, 0, Duration.ofMinutes(5),
            "x", List.of(), "/home/alice", "", "", new TreeMap<>(), true);

    @Test
    void theSignalSurvivesEncoding() {
        Job job = Job.submitted(JobId.of(7), SPEC.withSignal(Optional.of(WarnSignal.parse("B:USR1@120"))),
                Instant.ofEpochSecond(1000), 29500);

        Job back = StorageCodec.decode(StorageCodec.encode(job));

        assertThat(back.spec().signal()).contains(new WarnSignal("USR1", Duration.ofSeconds(120), true));
        assertThat(StorageCodec.encode(job).getSpec().getSignal()).isEqualTo("B:USR1@120");
    }

    @Test
    void aRecordWithoutTheFieldHasNoSignal() {
        Job job = Job.submitted(JobId.of(8), SPEC, Instant.ofEpochSecond(1000), 29500);

        assertThat(StorageCodec.encode(job).getSpec().getSignal()).isEmpty();
        assertThat(StorageCodec.decode(StorageCodec.encode(job)).spec().signal()).isEmpty();
    }
}
