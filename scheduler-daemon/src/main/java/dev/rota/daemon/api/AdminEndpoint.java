package dev.rota.daemon.api;

import com.google.protobuf.Timestamp;
import dev.rota.api.v1.AdminServiceGrpc;
import dev.rota.api.v1.BackupRequest;
import dev.rota.api.v1.BackupResponse;
import dev.rota.api.v1.ListAuditRequest;
import dev.rota.api.v1.ListAuditResponse;
import dev.rota.daemon.audit.AuditEntry;
import dev.rota.daemon.audit.AuditQuery;
import dev.rota.daemon.audit.AuditTrail;
import dev.rota.daemon.store.Backup;
import dev.rota.daemon.store.RocksStateStore;
import dev.rota.daemon.store.StateStore;
import dev.rota.daemon.store.StoreFailure;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * The admin API: operations on the daemon itself, for admins only. Today an admin is {@code root}
 * or the user {@code rotad} runs as; the rule lives in {@link #isAdmin} until authorisation becomes
 * one policy table.
 *
 * <p>Every backup, refused ones included, is recorded in the audit trail; reading that trail
 * ({@code ListAudit}) is itself for admins only.
 *
 * <p>A backup runs on the calling gRPC thread, beside the engine loop, which keeps committing
 * (see {@link RocksStateStore#checkpoint} for why that is safe); backups run one at a time.
 */
public final class AdminEndpoint extends AdminServiceGrpc.AdminServiceImplBase {
    private static final Logger LOG = Logger.getLogger(AdminEndpoint.class.getName());

    static final int DEFAULT_AUDIT_LIMIT = 100;
    static final int MAX_AUDIT_LIMIT = 10_000;

    private final StateStore store;
    private final AuditTrail audit;
    private final Clock clock;
    private final String daemonUser;

    /** Admins are {@code root} and the user this process runs as. */
    public AdminEndpoint(StateStore store, AuditTrail audit, Clock clock) {
        this(store, audit, clock, System.getProperty("user.name"));
    }

    /**
     * @param store      the daemon's store; backups need a {@link RocksStateStore}
     * @param audit      where every backup is recorded, and what {@code ListAudit} reads
     * @param clock      stamps {@code taken_at}
     * @param daemonUser the user rotad runs as, an admin besides {@code root}
     */
    public AdminEndpoint(StateStore store, AuditTrail audit, Clock clock, String daemonUser) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.daemonUser = daemonUser;
    }

    /** The audit log, for admins only: it shows every user's cancels and where they came from. */
    @Override
    public void listAudit(ListAuditRequest request, StreamObserver<ListAuditResponse> observer) {
        String caller = CallerIdentity.current();
        if (!isAdmin(caller)) {
            observer.onError(Status.PERMISSION_DENIED.withDescription("only an admin may read the audit log: root "
                    + "or the user rotad runs as (" + daemonUser + "); " + caller + " is neither").asRuntimeException());
            return;
        }
        if (request.getLimit() > MAX_AUDIT_LIMIT) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("limit must be at most " + MAX_AUDIT_LIMIT)
                    .asRuntimeException());
            return;
        }
        AuditQuery query = new AuditQuery(request.hasSince() ? instant(request.getSince()) : null,
                request.hasUntil() ? instant(request.getUntil()) : null, request.getUser(),
                request.getLimit() == 0 ? DEFAULT_AUDIT_LIMIT : request.getLimit());
        List<AuditEntry> entries;
        try {
            entries = audit.search(query);
        } catch (StoreFailure e) {
            observer.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        ListAuditResponse.Builder b = ListAuditResponse.newBuilder();
        for (AuditEntry e : entries) {
            b.addEntries(dev.rota.api.v1.AuditEntry.newBuilder().setTime(timestamp(e.time())).setUser(e.user())
                    .setAction(e.action()).setTarget(e.target()).setDetail(e.detail()).setPeer(e.peer())
                    .setOutcome(e.outcome()).setOutcomeMessage(e.outcomeMessage()));
        }
        observer.onNext(b.build());
        observer.onCompleted();
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    @Override
    public void backup(BackupRequest request, StreamObserver<BackupResponse> call) {
        StreamObserver<BackupResponse> observer = Audited.call(audit, AuditEntry.BACKUP, request.getDirectory(), "",
                call);
        String caller = CallerIdentity.current();
        if (!isAdmin(caller)) {
            observer.onError(Status.PERMISSION_DENIED.withDescription("only an admin may back up the store: root "
                    + "or the user rotad runs as (" + daemonUser + "); " + caller + " is neither").asRuntimeException());
            return;
        }
        if (request.getDirectory().isBlank()) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("directory is required").asRuntimeException());
            return;
        }
        if (!(store instanceof RocksStateStore rocks)) {
            observer.onError(Status.FAILED_PRECONDITION.withDescription("this daemon's store cannot be backed up")
                    .asRuntimeException());
            return;
        }
        Path target;
        try {
            target = Path.of(request.getDirectory());
        } catch (InvalidPathException e) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription("not a usable path: " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        Instant takenAt = clock.instant();
        Backup backup;
        try {
            backup = rocks.checkpoint(target);
        } catch (IllegalArgumentException e) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (StoreFailure e) {
            LOG.warning(() -> "backup for " + caller + " failed: " + e.getMessage());
            observer.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        LOG.info(() -> caller + " backed up " + backup.jobs() + " jobs to " + backup.directory() + " ("
                + backup.sizeBytes() + " bytes)");
        observer.onNext(BackupResponse.newBuilder()
                .setDirectory(backup.directory().toString())
                .setSizeBytes(backup.sizeBytes())
                .setJobs(backup.jobs())
                .setTakenAt(Timestamp.newBuilder().setSeconds(takenAt.getEpochSecond()).setNanos(takenAt.getNano()))
                .build());
        observer.onCompleted();
    }

    /** The whole authorisation rule, for now. */
    private boolean isAdmin(String user) {
        return user.equals("root") || user.equals(daemonUser);
    }
}
