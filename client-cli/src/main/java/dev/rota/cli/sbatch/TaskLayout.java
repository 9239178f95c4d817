package dev.rota.cli.sbatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Nodes, tasks per node and GPUs per node, from whichever of sbatch's options asked for them. Rota
 * runs the same number of tasks and GPUs on every node of a job, so every request is reduced to
 * those three numbers, or refused when it cannot be without changing what was asked.
 *
 * <p>Tasks:
 * <ol>
 *   <li>{@code --ntasks-per-gpu=K} means {@code K x} GPUs per node tasks per node (and needs a
 *       per-node GPU request).</li>
 *   <li>With {@code --ntasks=T} and {@code --nodes=N}: {@code T/N} per node; T must divide evenly and
 *       must not exceed {@code --ntasks-per-node} when that is given too.</li>
 *   <li>With {@code --ntasks=T} and no {@code --nodes}: the nodes are derived (a note says so) from
 *       the tasks per node, else from the per-node GPU count (one task per GPU, the usual GPU
 *       layout); else the job is one node of T tasks.</li>
 *   <li>Otherwise {@code --ntasks-per-node} (default 1) on {@code --nodes} (default 1) nodes.</li>
 * </ol>
 *
 * <p>GPUs per node, from each form asked for: {@code --gpus-per-node=G} and {@code --gres=gpu:G}
 * give G; {@code --gpus-per-task=g} gives {@code g x} tasks per node; {@code --gpus=T} gives
 * {@code T/nodes} and must divide evenly. When several forms are given they must agree, and so must
 * their types (case-insensitively).
 *
 * @param nodes        nodes to allocate, at least 1
 * @param tasksPerNode tasks srun starts on each node, at least 1
 * @param gpusPerNode  GPUs on each node, at least 0
 * @param gpuType      the GPU type asked for, as first written; empty for any
 */
public record TaskLayout(int nodes, int tasksPerNode, int gpusPerNode, Optional<String> gpuType) {

    /** A value with the setting that gave it, for messages. */
    public record Given<T>(T value, Setting setting) {}

    /**
     * What was asked; each field null (or the list empty) when not given.
     *
     * @param gpus GPU requests, at most one per form
     */
    public record Asked(Given<NodeCount> nodes, Given<Integer> ntasks, Given<Integer> ntasksPerNode,
            Given<Integer> ntasksPerGpu, List<Given<GpuAsk>> gpus) {
        public Asked {
            gpus = List.copyOf(gpus);
        }
    }

    /** The layout, or errors; and notes either way. */
    public record Resolution(Optional<TaskLayout> layout, List<Diagnostic> diagnostics) {
        public Resolution {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    public static Resolution resolve(Asked asked) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        Given<GpuAsk> direct = asked.gpus().stream()
                .filter(g -> g.value().form() == GpuAsk.Form.PER_NODE || g.value().form() == GpuAsk.Form.GRES)
                .findFirst().orElse(null);

        Integer perNode = asked.ntasksPerNode() == null ? null : asked.ntasksPerNode().value();
        if (asked.ntasksPerGpu() != null) {
            Setting s = asked.ntasksPerGpu().setting();
            if (direct == null || direct.value().count() == 0) {
                return failed(diagnostics, Diagnostic.error(s.origin(), s.display()
                        + " needs GPUs on each node: add --gpus-per-node or --gres=gpu:N"));
            }
            int fromGpus = asked.ntasksPerGpu().value() * direct.value().count();
            if (perNode != null && perNode != fromGpus) {
                return failed(diagnostics, Diagnostic.error(s.origin(), s.display() + " with "
                        + direct.setting().display() + " is " + fromGpus + " tasks per node, but "
                        + asked.ntasksPerNode().setting().display() + " asks for " + perNode));
            }
            perNode = fromGpus;
        }

        int nodes;
        int tasksPerNode;
        if (asked.ntasks() != null) {
            int tasks = asked.ntasks().value();
            Setting s = asked.ntasks().setting();
            if (asked.nodes() != null) {
                nodes = asked.nodes().value().min();
                if (tasks < nodes || tasks % nodes != 0) {
                    return failed(diagnostics, Diagnostic.error(s.origin(), "Rota starts the same number of tasks "
                            + "on every node: " + s.display() + " does not divide evenly over " + nodes + " node"
                            + (nodes == 1 ? "" : "s") + " (" + asked.nodes().setting().display() + ")"));
                }
                tasksPerNode = tasks / nodes;
                if (perNode != null && tasksPerNode > perNode) {
                    return failed(diagnostics, Diagnostic.error(s.origin(), s.display() + " over " + nodes
                            + " nodes is " + tasksPerNode + " tasks per node, more than --ntasks-per-node=" + perNode
                            + " allows"));
                }
            } else {
                Integer per = perNode != null ? perNode
                        : direct != null && direct.value().count() > 0 ? direct.value().count() : null;
                nodes = per == null ? 1 : (tasks + per - 1) / per;
                if (tasks % nodes != 0) {
                    return failed(diagnostics, Diagnostic.error(s.origin(), "Rota starts the same number of tasks "
                            + "on every node: " + s.display() + " at most " + per + " per node does not divide "
                            + "evenly over " + nodes + " nodes; give --nodes"));
                }
                tasksPerNode = tasks / nodes;
                if (nodes > 1) {
                    diagnostics.add(Diagnostic.note(s.origin(), s.display() + " without --nodes: " + nodes
                            + " nodes of " + tasksPerNode + " tasks" + (perNode != null ? ""
                            : " (one task per GPU, from " + direct.setting().display() + ")")));
                }
            }
        } else {
            nodes = asked.nodes() == null ? 1 : asked.nodes().value().min();
            tasksPerNode = perNode == null ? 1 : perNode;
        }
        if (asked.nodes() != null && asked.nodes().value().isRange()) {
            Setting s = asked.nodes().setting();
            diagnostics.add(Diagnostic.note(s.origin(), s.display() + ": Rota allocates a fixed number of nodes; "
                    + "the job gets " + nodes));
        }

        Integer gpusPerNode = null;
        Given<GpuAsk> first = null;
        String type = null;
        Given<GpuAsk> typedBy = null;
        for (Given<GpuAsk> gpu : asked.gpus()) {
            GpuAsk ask = gpu.value();
            Setting s = gpu.setting();
            int count = switch (ask.form()) {
                case PER_NODE, GRES -> ask.count();
                case PER_TASK -> ask.count() * tasksPerNode;
                case TOTAL -> {
                    if (ask.count() % nodes != 0) {
                        diagnostics.add(Diagnostic.error(s.origin(), "Rota gives every node of a job the same GPUs: "
                                + s.display() + " does not divide evenly over " + nodes + " node"
                                + (nodes == 1 ? "" : "s") + "; use --gpus-per-node"));
                        yield -1;
                    }
                    yield ask.count() / nodes;
                }
            };
            if (count < 0) {
                continue;
            }
            if (gpusPerNode == null) {
                gpusPerNode = count;
                first = gpu;
            } else if (gpusPerNode != count) {
                diagnostics.add(Diagnostic.error(s.origin(), "GPU requests disagree: " + first.setting().display()
                        + " is " + gpusPerNode + " per node, " + s.display() + " is " + count
                        + " per node; give one GPU request"));
            }
            if (ask.type().isPresent()) {
                if (type == null) {
                    type = ask.type().get();
                    typedBy = gpu;
                } else if (!type.toLowerCase(Locale.ROOT).equals(ask.type().get().toLowerCase(Locale.ROOT))) {
                    diagnostics.add(Diagnostic.error(s.origin(), "GPU types disagree: " + typedBy.setting().display()
                            + " asks for " + type + ", " + s.display() + " for " + ask.type().get()));
                }
            }
        }
        if (diagnostics.stream().anyMatch(Diagnostic::isError)) {
            return new Resolution(Optional.empty(), diagnostics);
        }
        return new Resolution(Optional.of(new TaskLayout(nodes, tasksPerNode, gpusPerNode == null ? 0 : gpusPerNode,
                Optional.ofNullable(type))), diagnostics);
    }

    private static Resolution failed(List<Diagnostic> diagnostics, Diagnostic error) {
        diagnostics.add(error);
        return new Resolution(Optional.empty(), diagnostics);
    }
}
