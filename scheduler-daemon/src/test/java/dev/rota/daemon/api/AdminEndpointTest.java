package dev.rota.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Timestamp;
import dev.rota.api.v1.AdminServiceGrpc;
import dev.rota.api.v1.BackupRequest;
import dev.rota.api.v1.BackupResponse;
import dev.rota.core.engine.StateChange;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.api.v1.AuditEntry;
import dev.rota.api.v1.ListAuditRequest;
import dev.rota.daemon.audit.AuditTrail;
import dev.rota.daemon.store.RocksStateStore;
import dev.rota.daemon.store.StoredState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code AdminService.Backup} over the in-process transport, on a real RocksDB store run by "rota". */
class AdminEndpointTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @TempDir
    Path dir;
    private RocksStateStore store;
    private AuditTrail audit;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        store = RocksStateStore.open(dir.resolve("data").resolve("db"));
        store.commit(List.of(new StateChange.JobUpserted(pending(1)), new StateChange.JobUpserted(pending(2)),
                new StateChange.NextJobIdAdvanced(3)));
        audit = new AuditTrail(store.audit(), Clock.systemUTC(), Duration.ofDays(365), Duration.ofHours(1));
        String name = "admin-" + System.nanoTime();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(
                        new AdminEndpoint(store, audit, Clock.fixed(NOW, ZoneOffset.UTC), "rota"), new CallerIdentity()))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        audit.close();
        store.close();
    }

    private static Job pending(long id) {
        JobSpec spec = new JobSpec("train-" + id, "alice", "lab", "main", 1, 1, 8, Duration.ofMinutes(10),
                "#!/bin/bash\nsrun hostname\n", List.of(), "/home/alice", "", "", new TreeMap<>(Map.of()), true);
        return Job.submitted(JobId.of(id), spec, NOW.minusSeconds(60), 12000);
    }

    private AdminServiceGrpc.AdminServiceBlockingStub admin(String user) {
        Metadata headers = new Metadata();
        headers.put(CallerIdentity.USER_HEADER, user);
        return AdminServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private BackupResponse backup(String user, String directory) {
        return admin(user).backup(BackupRequest.newBuilder().setDirectory(directory).build());
    }

    private static void assertStatus(ThrowingCallable call, Status.Code code, String description) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(description);
        });
    }

    @Test
    void the_daemon_user_backs_up_every_job_and_the_copy_opens_as_a_store() {
        Path target = dir.resolve("backup-tonight");

        BackupResponse response = backup("rota", target.toString());

        assertThat(response.getDirectory()).isEqualTo(target.toString());
        assertThat(response.getJobs()).isEqualTo(2);
        assertThat(response.getSizeBytes()).isPositive();
        assertThat(response.getTakenAt()).isEqualTo(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond()).build());
        try (RocksStateStore copy = RocksStateStore.open(target)) {
            StoredState state = copy.load(100);
            assertThat(state.jobs()).containsExactly(pending(1), pending(2));
            assertThat(state.nextJobId()).isEqualTo(3);
        }
    }

    @Test
    void root_may_back_up_too() {
        assertThat(backup("root", dir.resolve("by-root").toString()).getJobs()).isEqualTo(2);
    }

    @Test
    void other_users_are_refused_with_the_rule() {
        Path target = dir.resolve("by-alice");

        assertStatus(() -> backup("alice", target.toString()), Status.Code.PERMISSION_DENIED,
                "only an admin may back up the store: root or the user rotad runs as (rota); alice is neither");
        assertThat(target).doesNotExist();
    }

    @Test
    void a_relative_directory_is_an_invalid_argument() {
        assertStatus(() -> backup("rota", "backups/tonight"), Status.Code.INVALID_ARGUMENT,
                "the backup directory must be an absolute path, not 'backups/tonight'");
    }

    @Test
    void an_existing_directory_is_an_invalid_argument() throws IOException {
        Path existing = Files.createDirectories(dir.resolve("exists"));

        assertStatus(() -> backup("rota", existing.toString()), Status.Code.INVALID_ARGUMENT,
                existing + " already exists");
    }

    @Test
    void a_missing_parent_is_an_invalid_argument() {
        assertStatus(() -> backup("rota", dir.resolve("nowhere/tonight").toString()), Status.Code.INVALID_ARGUMENT,
                "parent " + dir.resolve("nowhere") + " does not exist");
    }

    @Test
    void an_empty_directory_is_an_invalid_argument() {
        assertStatus(() -> backup("rota", ""), Status.Code.INVALID_ARGUMENT, "directory is required");
    }

    @Test
    void a_write_failure_is_internal_with_the_reason() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux procfs");
        Path target = Path.of("/proc/rota-backup-" + ProcessHandle.current().pid());

        assertStatus(() -> backup("rota", target.toString()), Status.Code.INTERNAL,
                "cannot write a backup of " + dir.resolve("data").resolve("db") + " to " + target);
        assertThat(target).doesNotExist();
    }

    @Test
    void every_backup_and_every_refused_one_is_in_the_audit_log_before_its_caller_hears() {
        Path target = dir.resolve("audited");
        backup("rota", target.toString());
        assertStatus(() -> backup("alice", dir.resolve("by-alice").toString()), Status.Code.PERMISSION_DENIED,
                "alice is neither");

        List<AuditEntry> entries = admin("root").listAudit(ListAuditRequest.getDefaultInstance()).getEntriesList();

        assertThat(entries).extracting(AuditEntry::getUser, AuditEntry::getAction, AuditEntry::getTarget,
                AuditEntry::getOutcome).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("rota", "backup", target.toString(), "OK"),
                        org.assertj.core.groups.Tuple.tuple("alice", "backup", dir.resolve("by-alice").toString(),
                                "PERMISSION_DENIED"));
        assertThat(entries.get(0).getOutcomeMessage()).isEmpty();
        assertThat(entries.get(1).getOutcomeMessage()).contains("only an admin may back up the store");
        // The in-process transport names its peer; over TCP it is host:port (DaemonApiTest).
        assertThat(entries).allSatisfy(e -> assertThat(e.getPeer()).isNotBlank());
    }

    @Test
    void only_admins_read_the_audit_log_and_the_limit_is_bounded() {
        assertStatus(() -> admin("alice").listAudit(ListAuditRequest.getDefaultInstance()),
                Status.Code.PERMISSION_DENIED, "only an admin may read the audit log");
        assertStatus(() -> admin("rota").listAudit(ListAuditRequest.newBuilder().setLimit(10_001).build()),
                Status.Code.INVALID_ARGUMENT, "limit must be at most 10000");
    }
}
