package dev.rota.cli.render;

import dev.rota.api.v1.BackupResponse;
import dev.rota.cli.json.JsonWriter;

/** A backup as JSON, in the schema {@code docs/cli-json.md} documents (stable: fields are only ever added). */
public final class BackupJson {
    private BackupJson() {}

    /** {@code {"directory", "size_bytes", "jobs", "taken_at"}}, for {@code rota admin backup --json}. */
    public static String of(BackupResponse backup) {
        return new JsonWriter().beginObject()
                .name("directory").value(backup.getDirectory())
                .name("size_bytes").value(backup.getSizeBytes())
                .name("jobs").value(backup.getJobs())
                .name("taken_at").value(backup.hasTakenAt() ? Timestamps.utc(backup.getTakenAt()) : null)
                .endObject().toJson();
    }
}
