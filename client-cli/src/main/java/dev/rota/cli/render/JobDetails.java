package dev.rota.cli.render;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobSpec;
import dev.rota.cli.slurm.SlurmStates;
import dev.rota.core.time.SlurmTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * Everything about one job as {@code Key=Value} lines, one pair a line, with {@code scontrol show
 * job}'s keys and conventions: {@code Reason=None} when there is nothing to say, {@code Unknown}
 * for a time that has not happened, {@code (null)} for any other missing value. Times are ISO-8601
 * in the caller's zone with the offset.
 */
public final class JobDetails {
    private static final String NULL = "(null)";
    private static final String UNKNOWN = "Unknown";

    private JobDetails() {}

    /**
     * @param now  the time a running job's RunTime is measured to
     * @param zone the zone times are shown in
     */
    public static String render(Job job, Instant now, ZoneId zone) {
        JobSpec spec = job.getSpec();
        StringBuilder text = new StringBuilder();
        pair(text, "JobId", Long.toUnsignedString(job.getId()));
        pair(text, "JobName", orNull(spec.getName()));
        pair(text, "UserId", orNull(job.getUser()));
        pair(text, "Account", orNull(JobFields.account(job)));
        pair(text, "QOS", orNull(JobFields.qos(job)));
        pair(text, "Partition", orNull(JobFields.partition(job)));
        pair(text, "JobState", SlurmStates.name(job.getState()));
        pair(text, "Reason", job.getReason().isEmpty() ? "None" : job.getReason());
        pair(text, "ExitCode", job.hasExitCode() ? Integer.toString(job.getExitCode()) : NULL);
        pair(text, "NumNodes", Integer.toUnsignedString(spec.getNodes()));
        pair(text, "TasksPerNode", Long.toString(JobFields.tasksPerNode(job)));
        pair(text, "GpusPerNode", Integer.toUnsignedString(spec.getGpusPerNode()));
        pair(text, "TimeLimit", spec.hasTimeLimit()
                ? SlurmTime.format(Duration.ofSeconds(spec.getTimeLimit().getSeconds())) : NULL);
        pair(text, "SubmitTime", job.hasSubmitTime() ? Timestamps.local(job.getSubmitTime(), zone) : UNKNOWN);
        pair(text, "StartTime", job.hasStartTime() ? Timestamps.local(job.getStartTime(), zone) : UNKNOWN);
        pair(text, "EndTime", job.hasEndTime() ? Timestamps.local(job.getEndTime(), zone) : UNKNOWN);
        pair(text, "RunTime", SlurmTime.format(Timestamps.runTime(job, now)));
        pair(text, "NodeList", orNull(JobFields.nodelist(job)));
        pair(text, "Allocation", orNull(JobFields.allocation(job)));
        pair(text, "WorkDir", orNull(spec.getWorkingDir()));
        pair(text, "StdOut", orNull(job.getOutputPath()));
        pair(text, "StdErr", orNull(JobFields.errorPath(job)));
        pair(text, "Attempts", Integer.toUnsignedString(job.getAttempts()));
        if (job.hasEnergyJoules()) {
            pair(text, "Energy", energy(job.getEnergyJoules()));
        }
        return text.toString();
    }

    /** Joules, whole, and the same in kilowatt-hours: {@code 5400000J (1.500kWh)}. */
    static String energy(double joules) {
        return String.format(java.util.Locale.ROOT, "%.0fJ (%.3fkWh)", joules, joules / 3.6e6);
    }

    private static void pair(StringBuilder text, String key, String value) {
        // One pair a line: a value may hold blanks but never a line break.
        text.append(key).append('=').append(value.replace('\n', ' ').replace('\r', ' ')).append('\n');
    }

    private static String orNull(String value) {
        return value.isEmpty() ? NULL : value;
    }
}
