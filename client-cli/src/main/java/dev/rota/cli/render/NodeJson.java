package dev.rota.cli.render;

import static dev.rota.cli.render.JobJson.text;

import dev.rota.api.v1.Gpu;
import dev.rota.api.v1.Node;
import dev.rota.cli.json.JsonWriter;
import dev.rota.cli.slurm.SlurmStates;
import java.util.List;

/** Nodes as JSON, in the schema {@code docs/cli-json.md} documents (stable: fields are only ever added). */
public final class NodeJson {
    private NodeJson() {}

    /** {@code {"nodes": [node...]}}, for {@code rota nodes --json}. */
    public static String list(List<Node> nodes) {
        JsonWriter json = new JsonWriter().beginObject().name("nodes").beginArray();
        nodes.forEach(node -> write(json, node));
        return json.endArray().endObject().toJson();
    }

    /** One node object, for {@code rota node show --json}. */
    public static String single(Node node) {
        JsonWriter json = new JsonWriter();
        write(json, node);
        return json.toJson();
    }

    static void write(JsonWriter json, Node node) {
        json.beginObject()
                .name("name").value(node.getName())
                .name("state").value(SlurmStates.name(node.getState()))
                .name("address").value(text(node.getAddress()))
                .name("gpu_model").value(text(node.getGpuModel()))
                .name("gpus_total").value(Integer.toUnsignedLong(node.getGpusTotal()))
                .name("gpus_allocated").value(Integer.toUnsignedLong(node.getGpusAllocated()))
                .name("reason").value(text(node.getReason()))
                .name("drained_by").value(text(node.getDrainedBy()))
                .name("drained_at").value(node.hasDrainedAt() ? Timestamps.utc(node.getDrainedAt()) : null)
                .name("running_job_ids").beginArray();
        node.getRunningJobIdsList().forEach(json::value);
        json.endArray().name("partitions").beginArray();
        node.getPartitionsList().forEach(json::value);
        json.endArray().name("switches").beginArray();
        node.getSwitchesList().forEach(json::value);
        json.endArray().name("gpus").beginArray();
        for (Gpu gpu : node.getGpusList()) {
            json.beginObject()
                    .name("index").value(Integer.toUnsignedLong(gpu.getIndex()))
                    .name("uuid").value(text(gpu.getUuid()))
                    .name("model").value(text(gpu.getModel()))
                    .name("memory_bytes").value(gpu.getMemoryBytes())
                    .name("health").value(text(gpu.getHealth()))
                    .name("health_conditions").beginArray();
            gpu.getHealthConditionsList().forEach(json::value);
            json.endArray().endObject();
        }
        json.endArray()
                .name("heartbeat_age_seconds").value(node.hasHeartbeatAge() ? Long.valueOf(node.getHeartbeatAge().getSeconds()) : null)
                .name("agent_version").value(text(node.getAgentVersion()))
                .name("health_warnings").beginArray();
        node.getHealthWarningsList().forEach(json::value);
        json.endArray().endObject();
    }
}
