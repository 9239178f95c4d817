package dev.rota.cli;

import dev.rota.api.v1.JobSpec;
import dev.rota.cli.json.JsonWriter;
import dev.rota.cli.sbatch.BatchRequest;
import dev.rota.cli.sbatch.Origin;
import dev.rota.cli.sbatch.Setting;
import dev.rota.core.time.SlurmTime;
import java.time.Duration;
import java.util.List;

/**
 * What {@code rota submit --test-only} prints: the job exactly as it would be sent, what is accepted
 * but not enforced, and the (unknown) start. The script's text and the environment's values are
 * left out, as everywhere in rota's output: environments often hold secrets.
 */
final class TestOnlyReport {
    /** Until the daemon can estimate a start (backfill), the answer is always this. */
    static final String START_UNKNOWN = "start: unknown (no backfill estimate yet)";

    private TestOnlyReport() {}

    /** {@code Key=Value} lines, as {@code rota show} prints a job, then the start. */
    static String text(JobSpec job, BatchRequest request, String source) {
        StringBuilder out = new StringBuilder("--test-only: nothing submitted. The job would be:\n");
        pair(out, "JobName", job.getName());
        pair(out, "Account", orDefault(job.getAccount()));
        pair(out, "QOS", orDefault(job.getQos()));
        pair(out, "Partition", orDefault(job.getPartition()));
        pair(out, "NumNodes", Integer.toUnsignedString(job.getNodes()));
        pair(out, "TasksPerNode", Integer.toUnsignedString(job.getNtasksPerNode()));
        pair(out, "GpusPerNode", Integer.toUnsignedString(job.getGpusPerNode()));
        pair(out, "GpuType", request.layout().gpuType().orElse("(any)"));
        pair(out, "TimeLimit", SlurmTime.format(Duration.ofSeconds(job.getTimeLimit().getSeconds())));
        pair(out, "Script", source);
        pair(out, "ScriptArgs", job.getScriptArgsList().isEmpty() ? "(none)" : String.join(" ", job.getScriptArgsList()));
        pair(out, "WorkDir", job.getWorkingDir());
        pair(out, "StdOut", job.getOutputPattern().isEmpty() ? "rota-%j.out" : job.getOutputPattern());
        pair(out, "StdErr", job.getErrorPattern().isEmpty() ? "(StdOut)" : job.getErrorPattern());
        pair(out, "Requeue", job.getNoRequeue() ? "0" : "1");
        pair(out, "Hold", job.getHold() ? "1" : "0");
        pair(out, "BeginTime", request.control().begin().map(Object::toString).orElse("(now)"));
        pair(out, "Dependency", job.getDependency().isEmpty() ? "(none)" : job.getDependency());
        pair(out, "Array", job.getArray().isEmpty() ? "(none)"
                : job.getArray() + (job.getArrayThrottle() > 0 ? "%" + job.getArrayThrottle() : ""));
        pair(out, "Environment", String.join(",", job.getEnvironmentMap().keySet().stream().sorted().toList()));
        pair(out, "NotEnforced", request.notEnforced().isEmpty() ? "(none)"
                : String.join(" ", request.notEnforced().stream().map(Setting::display).toList()));
        return out.append(START_UNKNOWN).append('\n').toString();
    }

    /** The JSON document docs/cli-json.md describes under {@code rota submit --test-only --json}. */
    static String json(JobSpec job, BatchRequest request, String source, List<String> remarks) {
        JsonWriter json = new JsonWriter().beginObject()
                .name("submitted").value(false)
                .name("estimated_start").nullValue()
                .name("job").beginObject()
                .name("name").value(job.getName())
                .name("account").value(orNull(job.getAccount()))
                .name("qos").value(orNull(job.getQos()))
                .name("partition").value(orNull(job.getPartition()))
                .name("nodes").value(Integer.toUnsignedLong(job.getNodes()))
                .name("ntasks_per_node").value(Integer.toUnsignedLong(job.getNtasksPerNode()))
                .name("gpus_per_node").value(Integer.toUnsignedLong(job.getGpusPerNode()))
                .name("gpu_type").value(request.layout().gpuType().orElse(null))
                .name("time_limit_seconds").value(job.getTimeLimit().getSeconds())
                .name("script").value(source)
                .name("script_args").beginArray();
        job.getScriptArgsList().forEach(json::value);
        json.endArray()
                .name("working_dir").value(job.getWorkingDir())
                .name("output_pattern").value(orNull(job.getOutputPattern()))
                .name("error_pattern").value(orNull(job.getErrorPattern()))
                .name("no_requeue").value(job.getNoRequeue())
                .name("hold").value(job.getHold())
                .name("begin_time").value(request.control().begin().map(Object::toString).orElse(null))
                .name("dependency").value(orNull(job.getDependency()))
                .name("array").value(orNull(job.getArray()))
                .name("array_throttle").value(Integer.toUnsignedLong(job.getArrayThrottle()))
                .name("environment").beginArray();
        job.getEnvironmentMap().keySet().stream().sorted().forEach(json::value);
        json.endArray().endObject().name("not_enforced").beginArray();
        for (Setting setting : request.notEnforced()) {
            json.beginObject()
                    .name("option").value(setting.option().display())
                    .name("value").value(setting.value())
                    .name("where").value(where(setting.origin()))
                    .endObject();
        }
        json.endArray().name("warnings").beginArray();
        remarks.forEach(json::value);
        return json.endArray().endObject().toJson();
    }

    private static String where(Origin origin) {
        return switch (origin) {
            case Origin.CommandLine c -> "command line";
            case Origin.ScriptLine line -> line.source() + ":" + line.line();
        };
    }

    private static void pair(StringBuilder out, String key, String value) {
        out.append(key).append('=').append(value.replace('\n', ' ').replace('\r', ' ')).append('\n');
    }

    private static String orDefault(String value) {
        return value.isEmpty() ? "(default)" : value;
    }

    private static String orNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
