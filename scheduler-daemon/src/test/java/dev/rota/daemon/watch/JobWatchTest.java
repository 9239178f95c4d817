package dev.rota.daemon.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.rota.api.v1.JobEvent;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.WatchJobsRequest;
import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.daemon.api.ApiMapping;
import dev.rota.daemon.api.SpecValidation;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fan-out's promise to the engine: publishing never waits for a reader; a reader that falls behind is dropped. */
class JobWatchTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    /** A gRPC server stream whose client reads nothing: never ready. A fake, recording what it got. */
    private static final class StalledCall extends ServerCallStreamObserver<JobEvent> {
        final List<JobEvent> sent = new CopyOnWriteArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        volatile Throwable error;
        volatile boolean ready;
        volatile Runnable onReady = () -> { };

        @Override public boolean isCancelled() { return false; }
        @Override public void setOnCancelHandler(Runnable handler) { }
        @Override public void setCompression(String compression) { }
        @Override public boolean isReady() { return ready; }
        @Override public void setOnReadyHandler(Runnable handler) { onReady = handler; }
        @Override public void request(int count) { }
        @Override public void setMessageCompression(boolean enable) { }
        @Override public void disableAutoInboundFlowControl() { }
        @Override public void onNext(JobEvent value) { sent.add(value); }
        @Override public void onError(Throwable t) { error = t; closed.countDown(); }
        @Override public void onCompleted() { closed.countDown(); }
    }

    private static Job job(long id) {
        JobSpec spec = JobSpec.newBuilder().setName("j").setNodes(1).setGpusPerNode(1).setScript("true")
                .setTimeLimit(Duration.newBuilder().setSeconds(60)).setWorkingDir("/tmp").build();
        return Job.submitted(JobId.of(id), SpecValidation.toCore(spec, "alice"), CLOCK.instant(), 0);
    }

    @Test
    void a_reader_that_falls_behind_is_dropped_with_resource_exhausted_and_publishing_never_waits() throws Exception {
        JobWatch watch = new JobWatch(ClusterSnapshot::empty, ApiMapping::job, CLOCK, 3);
        StalledCall call = new StalledCall();
        watch.open(WatchJobsRequest.getDefaultInstance(), call);

        for (long id = 1; id <= 10; id++) {
            // Each publish returns at once although nothing is ever read.
            watch.published(ClusterSnapshot.empty(), ClusterSnapshot.empty(), List.of(new StateChange.JobUpserted(job(id))));
        }

        assertThat(call.closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Status.fromThrowable(call.error).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Status.fromThrowable(call.error).getDescription()).startsWith("watch dropped: this client fell 3 changes behind");
        assertThat(call.sent).isEmpty();
        assertThat(watch.open()).isZero();
        watch.close();
    }

    @Test
    void a_ready_reader_gets_every_change_in_order() throws Exception {
        JobWatch watch = new JobWatch(ClusterSnapshot::empty, ApiMapping::job, CLOCK, 100);
        StalledCall call = new StalledCall();
        call.ready = true;
        watch.open(WatchJobsRequest.getDefaultInstance(), call);

        for (long id = 1; id <= 5; id++) {
            watch.published(ClusterSnapshot.empty(), ClusterSnapshot.empty(), List.of(new StateChange.JobUpserted(job(id))));
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (call.sent.size() < 5 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(call.sent).extracting(e -> e.getJob().getId()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(call.error).isNull();
        watch.close();
    }
}
