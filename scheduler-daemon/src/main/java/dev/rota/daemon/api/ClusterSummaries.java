package dev.rota.daemon.api;

import dev.rota.api.v1.ClusterSummary;
import dev.rota.api.v1.Count;
import dev.rota.core.engine.ClusterSnapshot;
import dev.rota.core.engine.NodeView;
import dev.rota.core.job.Job;
import dev.rota.core.job.NodeAllocation;
import dev.rota.daemon.loop.StepTimes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code rota cluster}'s one screen, computed from a snapshot: O(nodes + jobs in memory), on the
 * calling API thread. Ordering is decided (names, then counts), never hash order.
 */
final class ClusterSummaries {
    /** Busiest accounts listed. */
    static final int TOP_ACCOUNTS = 5;

    private ClusterSummaries() {
    }

    static ClusterSummary of(ClusterSnapshot snapshot, StepTimes.Summary steps) {
        Map<String, Long> nodes = new TreeMap<>();
        long allocated = 0;
        long idle = 0;
        long unavailable = 0;
        for (NodeView n : snapshot.nodes()) {
            nodes.merge(ApiMapping.state(n.state()).name().substring("NODE_STATE_".length()), 1L, Long::sum);
            allocated += n.gpusAllocated();
            int free = n.gpusTotal() - n.gpusAllocated();
            switch (n.state()) {
                case IDLE, MIXED, ALLOCATED -> idle += free;
                case DRAINING, DRAINED, DOWN, NOT_RESPONDING -> unavailable += free;
            }
        }
        Map<String, Long> jobs = new TreeMap<>();
        Map<String, Long> accounts = new TreeMap<>();
        long waitingForGpus = 0;
        for (Job j : snapshot.jobs().values()) {
            jobs.merge(j.state().name(), 1L, Long::sum);
            if (j.state() == dev.rota.core.job.JobState.RUNNING) {
                long gpus = 0;
                for (NodeAllocation a : j.allocation()) {
                    gpus += a.gpus().size();
                }
                accounts.merge(j.spec().account(), gpus, Long::sum);
            } else if (j.state() == dev.rota.core.job.JobState.PENDING
                    && (j.reason().equals("Resources") || j.reason().equals("Priority"))) {
                waitingForGpus++;
            }
        }
        List<Map.Entry<String, Long>> busiest = new ArrayList<>(accounts.entrySet());
        busiest.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        ClusterSummary.Builder b = ClusterSummary.newBuilder()
                .addAllNodesByState(counts(nodes))
                .addGpusByState(count("ALLOCATED", allocated)).addGpusByState(count("IDLE", idle))
                .addGpusByState(count("UNAVAILABLE", unavailable))
                .addAllJobsByState(counts(jobs))
                .addAllBusiestAccounts(counts(busiest.subList(0, Math.min(TOP_ACCOUNTS, busiest.size()))))
                .setSteps(steps.steps()).setLastStep(duration(steps.last())).setMedianStep(duration(steps.median()))
                .setMaxStep(duration(steps.max())).setJobsWaitingForGpus(waitingForGpus);
        return b.build();
    }

    private static List<Count> counts(Map<String, Long> counts) {
        return counts(new ArrayList<>(counts.entrySet()));
    }

    private static List<Count> counts(List<Map.Entry<String, Long>> entries) {
        return entries.stream().map(e -> count(e.getKey(), e.getValue())).toList();
    }

    private static Count count(String name, long count) {
        return Count.newBuilder().setName(name).setCount(count).build();
    }

    private static com.google.protobuf.Duration duration(Duration d) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }
}
