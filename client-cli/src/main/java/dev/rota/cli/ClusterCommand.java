package dev.rota.cli;

import dev.rota.api.v1.ClusterSummary;
import dev.rota.api.v1.Count;
import dev.rota.cli.json.JsonWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code rota cluster}: the whole cluster on one screen. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "The cluster on one screen: GPUs by state, nodes and jobs by state, the busiest accounts "
                + "and how long the scheduler's steps take.")
final class ClusterCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Option(names = "--json", description = "Print the summary as JSON (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        ClusterSummary s = rota.daemon().clusterSummary();
        rota.out().print(json ? json(s) : text(s));
        return 0;
    }

    static String text(ClusterSummary s) {
        long total = s.getGpusByStateList().stream().mapToLong(Count::getCount).sum();
        long allocated = count(s.getGpusByStateList(), "ALLOCATED");
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-10s%d allocated, %d idle, %d unavailable (%d total, %d%% allocated)%n",
                "GPUs", allocated, count(s.getGpusByStateList(), "IDLE"), count(s.getGpusByStateList(), "UNAVAILABLE"),
                total, total == 0 ? 0 : allocated * 100 / total));
        out.append(String.format(Locale.ROOT, "%-10s%s%n", "Nodes", counts(s.getNodesByStateList(), "")));
        out.append(String.format(Locale.ROOT, "%-10s%s%s%n", "Jobs", counts(s.getJobsByStateList(), ""),
                s.getJobsWaitingForGpus() == 0 ? "" : " (" + s.getJobsWaitingForGpus() + " pending for GPUs)"));
        out.append(String.format(Locale.ROOT, "%-10s%s%n", "Busiest", s.getBusiestAccountsCount() == 0 ? "none running"
                : String.join(", ", s.getBusiestAccountsList().stream()
                        .map(c -> c.getName() + " " + c.getCount() + (c.getCount() == 1 ? " GPU" : " GPUs")).toList())));
        out.append(String.format(Locale.ROOT, "%-10s%d steps; last %s, median %s, max %s (recent steps)%n", "Scheduler",
                s.getSteps(), millis(s.getLastStep()), millis(s.getMedianStep()), millis(s.getMaxStep())));
        return out.toString();
    }

    private static long count(List<Count> counts, String name) {
        return counts.stream().filter(c -> c.getName().equals(name)).mapToLong(Count::getCount).sum();
    }

    private static String counts(List<Count> counts, String none) {
        return counts.isEmpty() ? "none" + none : String.join(", ", counts.stream()
                .map(c -> c.getCount() + " " + c.getName().toLowerCase(Locale.ROOT)).toList());
    }

    private static String millis(com.google.protobuf.Duration d) {
        Duration duration = Duration.ofSeconds(d.getSeconds(), d.getNanos());
        return String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1e6);
    }

    static String json(ClusterSummary s) {
        JsonWriter json = new JsonWriter().beginObject();
        countsJson(json, "gpus", s.getGpusByStateList());
        countsJson(json, "nodes", s.getNodesByStateList());
        countsJson(json, "jobs", s.getJobsByStateList());
        json.name("jobs_pending_for_gpus").value(s.getJobsWaitingForGpus());
        json.name("busiest_accounts").beginArray();
        for (Count c : s.getBusiestAccountsList()) {
            json.beginObject().name("account").value(c.getName()).name("gpus").value(c.getCount()).endObject();
        }
        json.endArray().name("scheduler").beginObject()
                .name("steps").value(s.getSteps())
                .name("last_step_microseconds").value(micros(s.getLastStep()))
                .name("median_step_microseconds").value(micros(s.getMedianStep()))
                .name("max_step_microseconds").value(micros(s.getMaxStep()))
                .endObject();
        return json.endObject().toJson();
    }

    private static void countsJson(JsonWriter json, String name, List<Count> counts) {
        json.name(name).beginObject();
        counts.forEach(c -> json.name(c.getName()).value(c.getCount()));
        json.endObject();
    }

    private static long micros(com.google.protobuf.Duration d) {
        return d.getSeconds() * 1_000_000 + d.getNanos() / 1_000;
    }
}
