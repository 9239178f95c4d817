package dev.rota.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.AdminServiceGrpc;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.NodeServiceGrpc;
import dev.rota.agent.v1.AgentServiceGrpc;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;

class InlineCallsTest {

    @Test
    void calls_that_only_queue_an_event_run_on_the_transport_thread() {
        assertThat(InlineCalls.runsInline(JobServiceGrpc.getSubmitJobMethod().getFullMethodName())).isTrue();
        assertThat(InlineCalls.runsInline(NodeServiceGrpc.getDrainNodeMethod().getFullMethodName())).isTrue();
        assertThat(InlineCalls.runsInline(HealthGrpc.getCheckMethod().getFullMethodName())).isTrue();
    }

    @Test
    void calls_that_may_touch_the_disk_or_stream_keep_the_pool() {
        // cancel may read a long-finished job from RocksDB; history and backup always do
        assertThat(InlineCalls.runsInline(JobServiceGrpc.getCancelJobMethod().getFullMethodName())).isFalse();
        assertThat(InlineCalls.runsInline(JobServiceGrpc.getListHistoryMethod().getFullMethodName())).isFalse();
        assertThat(InlineCalls.runsInline(JobServiceGrpc.getListJobsMethod().getFullMethodName())).isFalse();
        assertThat(InlineCalls.runsInline(AdminServiceGrpc.getBackupMethod().getFullMethodName())).isFalse();
        assertThat(InlineCalls.runsInline(AgentServiceGrpc.getConnectMethod().getFullMethodName())).isFalse();
    }
}
