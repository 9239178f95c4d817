package dev.rota.core.plan;

import dev.rota.core.node.Gpu;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Which of a node's free GPUs a job that takes part of the node gets: a set on one NUMA side where
 * one side can hold it (the side with the fewest free GPUs that still fits, so the other side stays
 * whole for the next job), else the fewest sides, fullest first. GPUs whose NUMA node is unknown
 * form one side. Pure and deterministic: lowest indices first within a side.
 */
public final class GpuChoice {
    private GpuChoice() {
    }

    /**
     * @param gpus  every GPU of the node (for their NUMA nodes)
     * @param free  the indices free now
     * @param count how many the job takes; at most {@code free.size()}
     * @return {@code count} indices, ascending
     */
    public static List<Integer> choose(List<Gpu> gpus, SortedSet<Integer> free, int count) {
        if (count > free.size()) {
            throw new IllegalArgumentException("asked for " + count + " GPUs, " + free.size() + " free");
        }
        Map<Integer, Integer> numaOf = new TreeMap<>();
        for (Gpu g : gpus) {
            numaOf.put(g.index(), g.numaNode());
        }
        Map<Integer, List<Integer>> sides = new TreeMap<>();
        for (int index : free) {
            sides.computeIfAbsent(numaOf.getOrDefault(index, -1), k -> new ArrayList<>()).add(index);
        }
        if (sides.size() <= 1 || count == free.size()) {
            return free.stream().limit(count).toList();
        }
        List<Integer> tightest = null;
        for (List<Integer> side : sides.values()) {
            if (side.size() >= count && (tightest == null || side.size() < tightest.size())) {
                tightest = side;
            }
        }
        List<Integer> out = new ArrayList<>(count);
        if (tightest != null) {
            out.addAll(tightest.subList(0, count));
        } else {
            List<List<Integer>> fullestFirst = new ArrayList<>(sides.values());
            fullestFirst.sort((a, b) -> b.size() - a.size()); // stable: equal sides keep NUMA order
            for (List<Integer> side : fullestFirst) {
                for (int index : side) {
                    if (out.size() < count) {
                        out.add(index);
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }
}
