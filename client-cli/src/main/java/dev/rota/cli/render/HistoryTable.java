package dev.rota.cli.render;

import dev.rota.api.v1.Job;
import dev.rota.cli.render.Table.Column;
import dev.rota.cli.slurm.SlurmStates;
import dev.rota.core.time.SlurmTime;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * The {@code rota history} table, after {@code sacct}'s: JOBID NAME PARTITION ACCOUNT USER STATE
 * EXITCODE ELAPSED END NODELIST. END is in the caller's time zone.
 */
public final class HistoryTable {
    private HistoryTable() {}

    public static String render(List<Job> jobs, Instant now, ZoneId zone) {
        Table table = new Table(Column.right("JOBID"), Column.left("NAME"), Column.left("PARTITION"),
                Column.left("ACCOUNT"), Column.left("USER"), Column.left("STATE"), Column.right("EXITCODE"),
                Column.right("ELAPSED"), Column.left("END"), Column.left("NODELIST"));
        for (Job job : jobs) {
            table.row(Long.toUnsignedString(job.getId()), job.getSpec().getName(), JobFields.partition(job),
                    JobFields.account(job), job.getUser(), SlurmStates.name(job.getState()),
                    job.hasExitCode() ? Integer.toString(job.getExitCode()) : "",
                    SlurmTime.format(Timestamps.runTime(job, now)),
                    job.hasEndTime() ? Timestamps.local(job.getEndTime(), zone) : "", JobFields.nodelist(job));
        }
        return table.render();
    }
}
