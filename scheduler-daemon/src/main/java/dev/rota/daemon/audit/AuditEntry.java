package dev.rota.daemon.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One audited action, as recorded: who ({@code user}), what ({@code action} on {@code target}, with
 * the caller's {@code detail}), when ({@code time}), from where ({@code peer}) and how it ended
 * ({@code outcome}, a gRPC status code name, and its {@code outcomeMessage}).
 *
 * @param time           when the daemon recorded it (wall clock, UTC)
 * @param user           the caller's user name
 * @param action         {@code cancel}, {@code drain}, {@code resume}, {@code backup}, {@code hold},
 *                       {@code release}, {@code requeue} or {@code update}
 * @param target         a job id, node name or backup directory
 * @param detail         free text the caller gave (a drain reason), or empty
 * @param peer           the caller's address as the gRPC transport saw it, or empty when unknown
 * @param outcome        {@code OK}, or the status code the caller got ({@code NOT_FOUND}, ...)
 * @param outcomeMessage the status description when not OK, else empty
 */
public record AuditEntry(Instant time, String user, String action, String target, String detail, String peer,
        String outcome, String outcomeMessage) {
    public static final String CANCEL = "cancel";
    public static final String DRAIN = "drain";
    public static final String RESUME = "resume";
    public static final String BACKUP = "backup";
    public static final String HOLD = "hold";
    public static final String RELEASE = "release";
    public static final String REQUEUE = "requeue";
    public static final String UPDATE = "update";

    public AuditEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(outcomeMessage, "outcomeMessage");
    }
}
