package dev.rota.cli.render;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobState;
import dev.rota.cli.render.Table.Column;
import dev.rota.cli.slurm.SlurmStates;
import dev.rota.core.time.SlurmTime;
import java.time.Instant;
import java.util.List;

/**
 * The {@code rota queue} table, with {@code squeue}'s default columns: JOBID PARTITION NAME USER
 * ST TIME NODES NODELIST(REASON). ST is the squeue code; TIME the run time so far; the last column
 * the nodes of a started job, or the pending reason in parentheses.
 */
public final class JobTable {
    private JobTable() {}

    /** @param now the time running jobs' TIME is measured to */
    public static String render(List<Job> jobs, Instant now) {
        Table table = new Table(Column.right("JOBID"), Column.left("PARTITION"), Column.left("NAME"),
                Column.left("USER"), Column.left("ST"), Column.right("TIME"), Column.right("NODES"),
                Column.left("NODELIST(REASON)"));
        for (Job job : jobs) {
            table.row(Long.toUnsignedString(job.getId()), JobFields.partition(job), job.getSpec().getName(),
                    job.getUser(), SlurmStates.code(job.getState()), SlurmTime.format(Timestamps.runTime(job, now)),
                    Integer.toUnsignedString(job.getSpec().getNodes()), nodelistOrReason(job));
        }
        return table.render();
    }

    /** squeue --start: pending jobs with START_TIME, the estimate of their reservation or N/A. */
    public static String renderStarts(List<Job> jobs, java.time.ZoneId zone) {
        Table table = new Table(Column.right("JOBID"), Column.left("PARTITION"), Column.left("NAME"),
                Column.left("USER"), Column.left("ST"), Column.left("START_TIME"), Column.right("NODES"),
                Column.left("NODELIST(REASON)"));
        for (Job job : jobs) {
            table.row(Long.toUnsignedString(job.getId()), JobFields.partition(job), job.getSpec().getName(),
                    job.getUser(), SlurmStates.code(job.getState()),
                    job.hasEstimatedStartTime() ? Timestamps.local(job.getEstimatedStartTime(), zone) : "N/A",
                    Integer.toUnsignedString(job.getSpec().getNodes()), nodelistOrReason(job));
        }
        return table.render();
    }

    /** squeue's %R: the reason in parentheses while pending (Slurm's "None" if there is none). */
    static String nodelistOrReason(Job job) {
        String nodelist = JobFields.nodelist(job);
        if (job.getState() == JobState.JOB_STATE_PENDING || nodelist.isEmpty()) {
            String reason = job.getReason();
            return reason.isEmpty() ? (job.getState() == JobState.JOB_STATE_PENDING ? "(None)" : "")
                    : "(" + reason + ")";
        }
        return nodelist;
    }
}
