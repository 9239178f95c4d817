package dev.rota.cli.render;

import dev.rota.api.v1.GetFairShareResponse;
import dev.rota.api.v1.JobPriority;
import dev.rota.api.v1.ListPrioritiesResponse;
import dev.rota.api.v1.PriorityWeights;
import dev.rota.api.v1.ShareRow;
import dev.rota.cli.json.JsonWriter;
import dev.rota.cli.render.Table.Column;
import java.util.Locale;

/**
 * {@code rota priority} (like {@code sprio}) and {@code rota share} (like {@code sshare}) as tables
 * and as JSON in the schema {@code docs/cli-json.md} documents.
 */
public final class PolicyViews {
    private PolicyViews() {}

    /**
     * JOBID USER ACCOUNT QOS PRIORITY, then each factor's weighted part (as sprio prints them), so the
     * parts add up to the priority.
     */
    public static String priorities(ListPrioritiesResponse r) {
        PriorityWeights w = r.getWeights();
        Table table = new Table(Column.right("JOBID"), Column.left("USER"), Column.left("ACCOUNT"), Column.left("QOS"),
                Column.right("PRIORITY"), Column.right("FAIRSHARE"), Column.right("AGE"), Column.right("JOBSIZE"),
                Column.right("QOSPRIO"));
        table.row("", "", "", "weights", "", Long.toUnsignedString(w.getFairShare()), Long.toUnsignedString(w.getAge()),
                Long.toUnsignedString(w.getJobSize()), Long.toUnsignedString(w.getQos()));
        for (JobPriority p : r.getJobsList()) {
            table.row(Long.toUnsignedString(p.getJobId()), p.getUser(), p.getAccount(), p.getQos(),
                    Long.toString(p.getPriority()), part(w.getFairShare(), p.getFairShare()), part(w.getAge(), p.getAge()),
                    part(w.getJobSize(), p.getJobSize()), part(w.getQos(), p.getQosFactor()));
        }
        return table.render();
    }

    private static String part(long weight, double factor) {
        return Long.toString((long) Math.floor(weight * factor));
    }

    public static String prioritiesJson(ListPrioritiesResponse r) {
        PriorityWeights w = r.getWeights();
        JsonWriter json = new JsonWriter().beginObject()
                .name("judged_at").value(r.hasJudgedAt() ? Timestamps.utc(r.getJudgedAt()) : null)
                .name("weights").beginObject()
                .name("fair_share").value(w.getFairShare()).name("age").value(w.getAge())
                .name("job_size").value(w.getJobSize()).name("qos").value(w.getQos())
                .name("max_age_seconds").value(w.getMaxAge().getSeconds()).endObject()
                .name("jobs").beginArray();
        for (JobPriority p : r.getJobsList()) {
            json.beginObject().name("job_id").value(p.getJobId()).name("user").value(p.getUser())
                    .name("account").value(p.getAccount()).name("qos").value(p.getQos())
                    .name("priority").value(p.getPriority()).name("factors").beginObject()
                    .name("fair_share").value(p.getFairShare()).name("age").value(p.getAge())
                    .name("job_size").value(p.getJobSize()).name("qos").value(p.getQosFactor()).endObject()
                    .endObject();
        }
        return json.endArray().endObject().toJson();
    }

    /** {@code rota explain}: the reason in words, then facts, estimated start and suggestions. */
    public static String explanation(dev.rota.api.v1.ExplainJobResponse e) {
        StringBuilder out = new StringBuilder();
        out.append("Job ").append(Long.toUnsignedString(e.getJobId())).append(" is ")
                .append(dev.rota.cli.slurm.SlurmStates.name(e.getState()));
        if (!e.getReason().isEmpty()) {
            out.append(" (").append(e.getReason()).append(")");
        }
        out.append(": ").append(e.getReasonText()).append(".\n");
        e.getFactsList().forEach(f -> out.append("  - ").append(f).append('\n'));
        if (e.hasEstimatedStartTime()) {
            out.append("Estimated start: ").append(Timestamps.utc(e.getEstimatedStartTime()))
                    .append(" at the latest, if running jobs use their whole time limits.\n");
        }
        if (!e.getSuggestionsList().isEmpty()) {
            out.append("It could start now with:\n");
            e.getSuggestionsList().forEach(s -> out.append("  ").append(s).append('\n'));
        }
        return out.toString();
    }

    public static String explanationJson(dev.rota.api.v1.ExplainJobResponse e) {
        JsonWriter json = new JsonWriter().beginObject().name("job_id").value(e.getJobId())
                .name("state").value(dev.rota.cli.slurm.SlurmStates.name(e.getState()))
                .name("reason").value(e.getReason().isEmpty() ? null : e.getReason())
                .name("reason_text").value(e.getReasonText())
                .name("facts").beginArray();
        e.getFactsList().forEach(json::value);
        json.endArray().name("estimated_start_time")
                .value(e.hasEstimatedStartTime() ? Timestamps.utc(e.getEstimatedStartTime()) : null)
                .name("suggestions").beginArray();
        e.getSuggestionsList().forEach(json::value);
        return json.endArray().endObject().toJson();
    }

    /** ACCOUNT (indented by depth) USER SHARES NORM_SHARES USAGE_GPUH NORM_USAGE FAIRSHARE. */
    public static String shares(GetFairShareResponse r) {
        Table table = new Table(Column.left("ACCOUNT"), Column.left("USER"), Column.right("SHARES"),
                Column.right("NORM_SHARES"), Column.right("USAGE(GPU-H)"), Column.right("NORM_USAGE"),
                Column.right("FAIRSHARE"));
        for (ShareRow row : r.getRowsList()) {
            boolean user = !row.getUser().isEmpty();
            table.row(" ".repeat(row.getDepth()) + (user ? "" : row.getAccount()), row.getUser(),
                    Long.toUnsignedString(row.getShares()), fraction(row.getNormShares()),
                    String.format(Locale.ROOT, "%.1f", row.getUsageGpuHours()), fraction(row.getNormUsage()),
                    row.hasFairShare() ? fraction(row.getFairShare()) : "");
        }
        return table.render();
    }

    private static String fraction(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    public static String sharesJson(GetFairShareResponse r) {
        JsonWriter json = new JsonWriter().beginObject()
                .name("judged_at").value(r.hasJudgedAt() ? Timestamps.utc(r.getJudgedAt()) : null)
                .name("usage_half_life_seconds").value(r.getUsageHalfLife().getSeconds())
                .name("rows").beginArray();
        for (ShareRow row : r.getRowsList()) {
            json.beginObject().name("account").value(row.getAccount())
                    .name("user").value(row.getUser().isEmpty() ? null : row.getUser())
                    .name("depth").value(Integer.toUnsignedLong(row.getDepth()))
                    .name("shares").value(row.getShares()).name("norm_shares").value(row.getNormShares())
                    .name("usage_gpu_hours").value(row.getUsageGpuHours()).name("norm_usage").value(row.getNormUsage())
                    .name("level_fairness").value(row.getLevelFairness())
                    .name("fair_share");
            if (row.hasFairShare()) {
                json.value(row.getFairShare());
            } else {
                json.nullValue();
            }
            json.endObject();
        }
        return json.endArray().endObject().toJson();
    }
}
