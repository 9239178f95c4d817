package dev.rota.daemon.audit;

/**
 * Which audit entries to return: recorded in {@code [since, until)} (either bound may be null),
 * by {@code user} (empty: anyone), the most recent {@code limit} of them.
 */
public record AuditQuery(java.time.Instant since, java.time.Instant until, String user, int limit) {
    public AuditQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        user = user == null ? "" : user;
    }

    /** Whether {@code e} passes the user filter (the time bounds are the store's to apply). */
    public boolean matches(AuditEntry e) {
        return user.isEmpty() || user.equals(e.user());
    }
}
