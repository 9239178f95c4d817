package dev.rota.cli.render;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.NodeAllocation;
import java.util.stream.Collectors;

/**
 * The values every job rendering shares, with the API's defaults applied once, here, so the
 * table, the details and the JSON never disagree. Empty means "no value".
 */
final class JobFields {
    private JobFields() {}

    /** The account used, else the one asked for. */
    static String account(Job job) {
        return job.getAccount().isEmpty() ? job.getSpec().getAccount() : job.getAccount();
    }

    /** The QoS used, else the one asked for. */
    static String qos(Job job) {
        return job.getQos().isEmpty() ? job.getSpec().getQos() : job.getQos();
    }

    /** The partition used, else the one asked for. */
    static String partition(Job job) {
        return job.getPartition().isEmpty() ? job.getSpec().getPartition() : job.getPartition();
    }

    /** Tasks per node; the API's 0 means 1. */
    static long tasksPerNode(Job job) {
        return Math.max(1, Integer.toUnsignedLong(job.getSpec().getNtasksPerNode()));
    }

    /** Where stderr goes: its own file, or the output file when the two are merged. */
    static String errorPath(Job job) {
        return job.getErrorPath().isEmpty() ? job.getOutputPath() : job.getErrorPath();
    }

    /** The compressed hostlist, else the allocated node names joined by commas. */
    static String nodelist(Job job) {
        if (!job.getNodelist().isEmpty()) {
            return job.getNodelist();
        }
        return job.getAllocationList().stream().map(NodeAllocation::getNode).collect(Collectors.joining(","));
    }

    /** {@code node:gpu,gpu} per node, separated by blanks; a node without GPUs alone. */
    static String allocation(Job job) {
        return job.getAllocationList().stream()
                .map(a -> a.getGpuIndicesCount() == 0 ? a.getNode()
                        : a.getNode() + ":" + a.getGpuIndicesList().stream()
                                .map(Integer::toUnsignedString).collect(Collectors.joining(",")))
                .collect(Collectors.joining(" "));
    }
}
