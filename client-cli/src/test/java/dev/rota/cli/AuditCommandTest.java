package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.api.v1.AuditEntry;
import dev.rota.api.v1.ListAuditRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditCommandTest {
    private final FakeRotad rotad = new FakeRotad();

    @AfterEach
    void stopDaemon() {
        rotad.close();
    }

    private static AuditEntry entry(String time, String user, String action, String target, String detail,
            String outcome, String message) {
        return AuditEntry.newBuilder().setTime(FakeRotad.at(time)).setUser(user).setAction(action).setTarget(target)
                .setDetail(detail).setPeer("127.0.0.1:51234").setOutcome(outcome).setOutcomeMessage(message).build();
    }

    private void aDrainAndTwoCancels() {
        rotad.auditEntries.add(entry("2026-11-23T09:00:00Z", "root", "drain", "node-2", "bad \"fan\"", "OK", ""));
        rotad.auditEntries.add(entry("2026-11-23T09:05:00Z", "alice", "cancel", "41", "", "OK", ""));
        rotad.auditEntries.add(entry("2026-11-23T09:06:00Z", "bob", "cancel", "41", "", "PERMISSION_DENIED",
                "job 41 belongs to alice"));
    }

    @Test
    void theTableShowsWhoDidWhatWhenFromWhereAndHowItEnded() {
        aDrainAndTwoCancels();

        var result = rotad.rota("audit");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("""
                TIME                  USER   ACTION  TARGET  OUTCOME                                     FROM             DETAIL
                2026-11-23T09:00:00Z  root   drain   node-2  OK                                          127.0.0.1:51234  bad "fan"
                2026-11-23T09:05:00Z  alice  cancel  41      OK                                          127.0.0.1:51234
                2026-11-23T09:06:00Z  bob    cancel  41      PERMISSION_DENIED: job 41 belongs to alice  127.0.0.1:51234
                """);
        assertThat(rotad.auditRequests).containsExactly(ListAuditRequest.newBuilder().setLimit(100).build());
    }

    @Test
    void jsonPrintsEveryFieldOfEveryEntry() {
        aDrainAndTwoCancels();

        var result = rotad.rota("audit", "--json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("""
                {
                  "entries": [
                    {
                      "time": "2026-11-23T09:00:00Z",
                      "user": "root",
                      "action": "drain",
                      "target": "node-2",
                      "detail": "bad \\"fan\\"",
                      "peer": "127.0.0.1:51234",
                      "outcome": "OK",
                      "outcome_message": ""
                    },
                """).contains("""
                      "outcome": "PERMISSION_DENIED",
                      "outcome_message": "job 41 belongs to alice"
                """);
    }

    @Test
    void sinceUntilUserAndLimitAreSentToTheDaemon() {
        var result = rotad.rota("audit", "--since", "now-1d", "--until", "2026-11-23T10:00", "--user", "bob", "-n", "5");

        assertThat(result.exitCode()).isZero();
        assertThat(rotad.auditRequests).containsExactly(ListAuditRequest.newBuilder().setLimit(5).setUser("bob")
                .setSince(FakeRotad.at("2026-11-22T12:00:00Z")).setUntil(FakeRotad.at("2026-11-23T10:00:00Z")).build());
    }

    @Test
    void aBadTimeOrLimitIsAUsageError() {
        assertThat(rotad.rota("audit", "--since", "yesterday-ish").exitCode()).isEqualTo(2);
        assertThat(rotad.rota("audit", "--limit", "0").exitCode()).isEqualTo(2);
        assertThat(rotad.auditRequests).isEmpty();
    }
}
