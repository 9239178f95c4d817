package dev.rota.cli.render;

import dev.rota.api.v1.AuditEntry;
import dev.rota.cli.json.JsonWriter;
import dev.rota.cli.render.Table.Column;
import java.time.ZoneId;
import java.util.List;

/**
 * {@code rota audit}: the table (TIME USER ACTION TARGET OUTCOME FROM DETAIL, TIME in the caller's
 * zone) and the JSON documented in {@code docs/cli-json.md} (stable: fields are only ever added).
 */
public final class AuditViews {
    private AuditViews() {}

    public static String table(List<AuditEntry> entries, ZoneId zone) {
        Table table = new Table(Column.left("TIME"), Column.left("USER"), Column.left("ACTION"), Column.left("TARGET"),
                Column.left("OUTCOME"), Column.left("FROM"), Column.left("DETAIL"));
        for (AuditEntry e : entries) {
            String outcome = e.getOutcome().equals("OK") || e.getOutcomeMessage().isEmpty() ? e.getOutcome()
                    : e.getOutcome() + ": " + e.getOutcomeMessage();
            table.row(e.hasTime() ? Timestamps.local(e.getTime(), zone) : "", e.getUser(), e.getAction(), e.getTarget(),
                    outcome, e.getPeer(), e.getDetail());
        }
        return table.render();
    }

    /** {@code {"entries": [{"time", "user", "action", "target", "detail", "peer", "outcome", "outcome_message"}]}}. */
    public static String json(List<AuditEntry> entries) {
        JsonWriter w = new JsonWriter().beginObject().name("entries").beginArray();
        for (AuditEntry e : entries) {
            w.beginObject()
                    .name("time").value(e.hasTime() ? Timestamps.utc(e.getTime()) : null)
                    .name("user").value(e.getUser())
                    .name("action").value(e.getAction())
                    .name("target").value(e.getTarget())
                    .name("detail").value(e.getDetail())
                    .name("peer").value(e.getPeer())
                    .name("outcome").value(e.getOutcome())
                    .name("outcome_message").value(e.getOutcomeMessage())
                    .endObject();
        }
        return w.endArray().endObject().toJson();
    }
}
