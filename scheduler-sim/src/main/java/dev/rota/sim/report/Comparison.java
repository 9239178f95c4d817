package dev.rota.sim.report;

import dev.rota.sim.cluster.ClusterShape;
import dev.rota.sim.run.RunResult;
import dev.rota.sim.run.SimPolicy;
import java.util.List;
import java.util.Locale;

/**
 * Several policies' runs over the same trace and cluster, and how to write them down: JSON
 * (docs/cli-json.md), a Markdown summary and SVG plots. Pure text builders; the caller writes files.
 *
 * @param trace   the trace's name
 * @param jobs    jobs replayed
 * @param cluster the cluster shape
 * @param seed    the seed (time-limit draws, synthetic traces)
 * @param window  the submit-time window, as given
 * @param limits  the time-limit assumption, in words
 */
public record Comparison(String trace, int jobs, ClusterShape cluster, long seed, String window, String limits,
        List<Entry> entries) {

    /** One policy's run and its figures. */
    public record Entry(SimPolicy policy, RunResult run, PolicyStats stats) {
    }

    public Comparison {
        entries = List.copyOf(entries);
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** The whole comparison as one JSON object (schema: docs/cli-json.md, "rota-sim"). */
    public String json() {
        StringBuilder b = new StringBuilder();
        b.append("{\n  \"trace\": ").append(str(trace)).append(",\n  \"jobs\": ").append(jobs)
                .append(",\n  \"cluster\": {\"nodes\": ").append(cluster.nodes()).append(", \"gpus_per_node\": ")
                .append(cluster.gpusPerNode()).append(", \"leaf_size\": ").append(cluster.leafSize())
                .append("},\n  \"seed\": ").append(seed).append(",\n  \"window\": ").append(str(window))
                .append(",\n  \"time_limits\": ").append(str(limits)).append(",\n  \"policies\": [");
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            PolicyStats s = e.stats();
            b.append(i == 0 ? "\n" : ",\n");
            b.append("    {\"name\": ").append(str(e.policy().name()))
                    .append(", \"description\": ").append(str(e.policy().description()))
                    .append(",\n     \"completed\": ").append(s.completed()).append(", \"rejected\": ").append(s.rejected())
                    .append(", \"unfinished\": ").append(s.unfinished())
                    .append(",\n     \"jct_seconds\": {\"mean\": ").append(num(s.jctMean())).append(", \"median\": ")
                    .append(num(s.jctMedian())).append(", \"p99\": ").append(num(s.jctP99())).append('}')
                    .append(",\n     \"queueing_delay_seconds\": {\"mean\": ").append(num(s.waitMean())).append(", \"p99\": ")
                    .append(num(s.waitP99())).append(", \"max\": ").append(num(s.waitMax())).append('}')
                    .append(",\n     \"bounded_slowdown\": ").append(num(s.boundedSlowdown()))
                    .append(", \"makespan_seconds\": ").append(num(s.makespan()))
                    .append(",\n     \"gpu_allocation_ratio\": ").append(num(s.allocationRatio()))
                    .append(", \"fragmentation\": {\"idle_while_queued\": ").append(num(s.idleWhileQueued()))
                    .append(", \"partial_free_share\": ").append(num(s.partialFreeShare())).append('}')
                    .append(",\n     \"multi_node\": {\"jobs\": ").append(s.multiNodeJobs()).append(", \"on_minimum_leaves\": ")
                    .append(s.multiNodeOnMinimumLeaves()).append(", \"fraction\": ").append(num(s.multiNodeOnMinimumFraction()))
                    .append(", \"extra_leaves\": ").append(s.multiNodeExtraLeaves()).append('}')
                    .append(",\n     \"accounts\": [");
            int k = 0;
            for (var a : s.accounts().entrySet()) {
                b.append(k++ == 0 ? "" : ", ").append("{\"account\": ").append(str(a.getKey())).append(", \"gpu_hours\": ")
                        .append(num(a.getValue().gpuHours())).append(", \"share\": ").append(num(a.getValue().share()))
                        .append(", \"fair_share\": ").append(num(a.getValue().fairShare()))
                        .append(", \"share_while_waiting\": ").append(num(a.getValue().shareWhileWaiting()))
                        .append(", \"waiting_hours\": ").append(num(a.getValue().waitingHours()))
                        .append(", \"mean_wait_seconds\": ").append(num(a.getValue().meanWaitSeconds())).append('}');
            }
            b.append("],\n     \"hourly\": {\"allocated_gpus\": ").append(array(e.run().hourlyAllocatedGpus()))
                    .append(", \"pending_jobs\": ").append(array(e.run().hourlyPendingJobs())).append('}')
                    .append(",\n     \"engine_steps\": ").append(e.run().steps())
                    .append(", \"decision_log_sha256\": ").append(str(e.run().decisionLogSha256()))
                    .append(", \"wall_seconds\": ").append(num(e.run().wallNanos() / 1e9)).append('}');
        }
        return b.append("\n  ]\n}\n").toString();
    }

    private static String array(double[] values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", values[i]));
        }
        return b.append(']').toString();
    }

    private static String hours(double seconds) {
        if (seconds < 600) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        return String.format(Locale.ROOT, "%.2f h", seconds / 3600);
    }

    /** A Markdown summary: one table of the headline figures, then fair share and leaves. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# rota-sim: ").append(trace).append("\n\n");
        b.append("- jobs: ").append(jobs).append(", window: ").append(window).append('\n');
        b.append("- cluster: ").append(cluster.nodes()).append(" nodes x ").append(cluster.gpusPerNode())
                .append(" GPUs (").append(cluster.totalGpus()).append(" GPUs), leaves of ").append(cluster.leafSize())
                .append(" nodes\n");
        b.append("- time limits: ").append(limits).append("; seed ").append(seed).append("\n\n");
        b.append("| policy | JCT mean | JCT median | JCT p99 | wait mean | wait p99 | bounded slowdown | makespan "
                + "| GPU alloc | idle while queued | fragmented free | multi-node on min leaves | wall |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Entry e : entries) {
            PolicyStats s = e.stats();
            b.append("| ").append(e.policy().name()).append(" | ").append(hours(s.jctMean())).append(" | ")
                    .append(hours(s.jctMedian())).append(" | ").append(hours(s.jctP99())).append(" | ")
                    .append(hours(s.waitMean())).append(" | ").append(hours(s.waitP99())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", s.boundedSlowdown())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f d", s.makespan() / 86400)).append(" | ")
                    .append(pct(s.allocationRatio())).append(" | ").append(pct(s.idleWhileQueued())).append(" | ")
                    .append(pct(s.partialFreeShare())).append(" | ").append(s.multiNodeOnMinimumLeaves()).append('/')
                    .append(s.multiNodeJobs()).append(" (").append(pct(s.multiNodeOnMinimumFraction())).append(") | ")
                    .append(String.format(Locale.ROOT, "%.1f s", e.run().wallNanos() / 1e9)).append(" |\n");
        }
        Entry sjf = find("sjf-oracle");
        Entry easy = find("easy");
        Entry rota = find("rota");
        if (rota != null && (sjf != null || easy != null)) {
            b.append("\nRota against the bounds: ");
            if (sjf != null) {
                b.append(String.format(Locale.ROOT, "mean JCT %.2fx the SJF oracle's", rota.stats().jctMean()
                        / sjf.stats().jctMean()));
            }
            if (easy != null) {
                b.append(sjf != null ? "; " : "").append(String.format(Locale.ROOT,
                        "p99 queueing delay %.2fx EASY's", easy.stats().waitP99() == 0 ? Double.NaN
                                : rota.stats().waitP99() / easy.stats().waitP99()));
            }
            b.append(".\n");
        }
        b.append("\n## Fair share per account\n\nFor each policy: the mean fraction of the cluster the account held "
                + "while it had jobs waiting (against its fair share: below it, it waited while holding less than its "
                + "due), and its jobs' mean queueing delay. Its share of all GPU-hours is set by its demand when every "
                + "job completes, so it is the same under every policy.\n\n| account | fair share | GPU-hours share |");
        for (Entry e : entries) {
            b.append(' ').append(e.policy().name()).append(" held while waiting / mean wait |");
        }
        b.append("\n|---|---:|---:|");
        entries.forEach(e -> b.append("---:|"));
        b.append('\n');
        if (!entries.isEmpty()) {
            for (String account : entries.get(0).stats().accounts().keySet()) {
                var first = entries.get(0).stats().accounts().get(account);
                b.append("| ").append(account).append(" | ").append(pct(first.fairShare())).append(" | ")
                        .append(pct(first.share())).append(" |");
                for (Entry e : entries) {
                    var a = e.stats().accounts().get(account);
                    b.append(' ').append(a == null ? "-" : pct(a.shareWhileWaiting()) + " / " + hours(a.meanWaitSeconds()))
                            .append(" |");
                }
                b.append('\n');
            }
        }
        b.append('\n');
        b.append("Plots: `jct-cdf.svg`, `utilisation.svg`, `queue.svg`. Figures: `results.json`. Decision logs: "
                + "`<policy>/decisions.log`.\n");
        return b.toString();
    }

    private Entry find(String name) {
        return entries.stream().filter(e -> e.policy().name().equals(name)).findFirst().orElse(null);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
