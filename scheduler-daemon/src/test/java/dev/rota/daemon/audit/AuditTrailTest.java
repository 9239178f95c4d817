package dev.rota.daemon.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditTrailTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final AuditQuery ALL = new AuditQuery(null, null, "", 10_000);

    @Test
    void a_recorded_entry_is_in_the_log_when_its_future_completes_stamped_with_the_clock() throws Exception {
        InMemoryAuditLog log = new InMemoryAuditLog();
        try (AuditTrail trail = new AuditTrail(log, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(365),
                Duration.ofHours(1))) {
            trail.record("alice", AuditEntry.CANCEL, "7", "", "127.0.0.1:5000", "OK", "").get(5, TimeUnit.SECONDS);

            assertThat(trail.search(ALL)).containsExactly(
                    new AuditEntry(NOW, "alice", "cancel", "7", "", "127.0.0.1:5000", "OK", ""));
        }
    }

    @Test
    void a_burst_of_entries_is_written_in_the_order_recorded() throws Exception {
        InMemoryAuditLog log = new InMemoryAuditLog();
        try (AuditTrail trail = new AuditTrail(log, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(365),
                Duration.ofHours(1))) {
            CompletableFuture<?>[] written = new CompletableFuture<?>[500];
            for (int i = 0; i < written.length; i++) {
                written[i] = trail.record("root", AuditEntry.CANCEL, Integer.toString(i), "", "", "OK", "");
            }
            CompletableFuture.allOf(written).get(10, TimeUnit.SECONDS);

            assertThat(trail.search(ALL)).extracting(AuditEntry::target)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 500).mapToObj(Integer::toString)
                            .toList());
        }
    }

    @Test
    void entries_older_than_the_retention_are_purged_at_start() throws Exception {
        InMemoryAuditLog log = new InMemoryAuditLog();
        AuditEntry old = new AuditEntry(NOW.minus(Duration.ofDays(400)), "root", "drain", "node-1", "x", "", "OK", "");
        AuditEntry recent = new AuditEntry(NOW.minus(Duration.ofDays(10)), "root", "resume", "node-1", "", "", "OK", "");
        log.append(List.of(old, recent));
        try (AuditTrail trail = new AuditTrail(log, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(365),
                Duration.ofHours(1))) {
            // Recording after start queues behind the purge on the one writer thread.
            trail.record("root", "drain", "node-2", "", "", "OK", "").get(5, TimeUnit.SECONDS);

            assertThat(trail.search(ALL)).extracting(AuditEntry::target).containsExactly("node-1", "node-2");
            assertThat(trail.search(ALL).getFirst()).isEqualTo(recent);
        }
    }

    @Test
    void a_closed_trail_refuses_new_entries() {
        AuditTrail trail = new AuditTrail(new InMemoryAuditLog(), Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofDays(365), Duration.ofHours(1));
        trail.close();

        assertThat(trail.record("root", "drain", "node-1", "", "", "OK", "")).isCompletedExceptionally();
    }
}
