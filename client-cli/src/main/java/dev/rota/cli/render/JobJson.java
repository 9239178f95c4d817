package dev.rota.cli.render;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.NodeAllocation;
import dev.rota.cli.json.JsonWriter;
import dev.rota.cli.slurm.SlurmStates;
import java.util.List;

/**
 * Jobs as JSON, in the schema {@code docs/cli-json.md} documents (stable: fields are only ever
 * added). Strings with no value are {@code null}, never empty; times are UTC ISO-8601 or
 * {@code null}.
 */
public final class JobJson {
    private JobJson() {}

    /** {@code {"jobs": [job...]}}, for {@code rota queue --json}. */
    public static String list(List<Job> jobs) {
        JsonWriter json = new JsonWriter().beginObject().name("jobs").beginArray();
        jobs.forEach(job -> write(json, job));
        return json.endArray().endObject().toJson();
    }

    /** One job object, for {@code rota show --json}. */
    public static String single(Job job) {
        JsonWriter json = new JsonWriter();
        write(json, job);
        return json.toJson();
    }

    /** One {@code rota watch --json} event: {@code {"at", "initial", "previous_state", "job"}}. */
    public static String event(dev.rota.api.v1.JobEvent event) {
        JsonWriter json = new JsonWriter().beginObject()
                .name("at").value(event.hasAt() ? Timestamps.utc(event.getAt()) : null)
                .name("initial").value(event.getInitial())
                .name("previous_state").value(event.getPreviousState() == dev.rota.api.v1.JobState.JOB_STATE_UNSPECIFIED
                        ? null : SlurmStates.name(event.getPreviousState()))
                .name("job");
        write(json, event.getJob());
        return json.endObject().toJson();
    }

    /** {@code {"job_id": id}}, for {@code rota submit --json}. */
    public static String submitted(long jobId) {
        return new JsonWriter().beginObject().name("job_id").value(jobId).endObject().toJson();
    }

    static void write(JsonWriter json, Job job) {
        JobSpec spec = job.getSpec();
        json.beginObject()
                .name("id").value(job.getId())
                .name("name").value(text(spec.getName()))
                .name("user").value(text(job.getUser()))
                .name("account").value(text(JobFields.account(job)))
                .name("qos").value(text(JobFields.qos(job)))
                .name("partition").value(text(JobFields.partition(job)))
                .name("state").value(SlurmStates.name(job.getState()))
                .name("reason").value(text(job.getReason()))
                .name("exit_code").value(job.hasExitCode() ? Long.valueOf(job.getExitCode()) : null)
                .name("nodes").value(Integer.toUnsignedLong(spec.getNodes()))
                .name("ntasks_per_node").value(JobFields.tasksPerNode(job))
                .name("gpus_per_node").value(Integer.toUnsignedLong(spec.getGpusPerNode()))
                .name("time_limit_seconds").value(spec.hasTimeLimit() ? Long.valueOf(spec.getTimeLimit().getSeconds()) : null)
                .name("submit_time").value(job.hasSubmitTime() ? Timestamps.utc(job.getSubmitTime()) : null)
                .name("start_time").value(job.hasStartTime() ? Timestamps.utc(job.getStartTime()) : null)
                .name("end_time").value(job.hasEndTime() ? Timestamps.utc(job.getEndTime()) : null)
                .name("estimated_start_time").value(job.hasEstimatedStartTime()
                        ? Timestamps.utc(job.getEstimatedStartTime()) : null)
                .name("nodelist").value(text(JobFields.nodelist(job)))
                .name("allocation").beginArray();
        for (NodeAllocation allocation : job.getAllocationList()) {
            json.beginObject().name("node").value(allocation.getNode()).name("gpus").beginArray();
            allocation.getGpuIndicesList().forEach(gpu -> json.value(Integer.toUnsignedLong(gpu)));
            json.endArray().endObject();
        }
        json.endArray()
                .name("output_path").value(text(job.getOutputPath()))
                .name("error_path").value(text(JobFields.errorPath(job)))
                .name("working_dir").value(text(spec.getWorkingDir()))
                .name("attempts").value(Integer.toUnsignedLong(job.getAttempts()))
                .name("energy_joules");
        if (job.hasEnergyJoules()) {
            json.value(job.getEnergyJoules());
        } else {
            json.value((Long) null);
        }
        json.endObject();
    }

    static String text(String value) {
        return value.isEmpty() ? null : value;
    }
}
