package dev.rota.daemon.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** An audit log in memory: for tests and {@code InMemoryStateStore}. Thread-safe. */
public final class InMemoryAuditLog implements AuditLog {
    private final List<AuditEntry> entries = new ArrayList<>();

    @Override
    public synchronized void append(List<AuditEntry> added) {
        entries.addAll(added);
        // Stable: equal times keep their appending order, as the RocksDB key's sequence does.
        entries.sort(Comparator.comparing(AuditEntry::time));
    }

    @Override
    public synchronized List<AuditEntry> search(AuditQuery query) {
        List<AuditEntry> out = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0 && out.size() < query.limit(); i--) {
            AuditEntry e = entries.get(i);
            if ((query.until() == null || e.time().isBefore(query.until()))
                    && (query.since() == null || !e.time().isBefore(query.since())) && query.matches(e)) {
                out.add(e);
            }
        }
        return out.reversed();
    }

    @Override
    public synchronized int purgeBefore(Instant cutoff, int max) {
        int n = 0;
        while (n < max && !entries.isEmpty() && entries.getFirst().time().isBefore(cutoff)) {
            entries.removeFirst();
            n++;
        }
        return n;
    }
}
