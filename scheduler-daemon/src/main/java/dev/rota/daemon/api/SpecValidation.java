package dev.rota.daemon.api;

import dev.rota.api.v1.JobSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Checks a submitted {@code rota.api.v1.JobSpec} at the edge and turns it into the core's spec with
 * defaults filled in. Every problem is named by its field, so a user knows what to fix.
 */
public final class SpecValidation {
    /** Slurm's default max_script_size. */
    public static final int MAX_SCRIPT_BYTES = 4 * 1024 * 1024;
    public static final int MAX_NODES = 100_000;
    public static final int MAX_GPUS_PER_NODE = 1024;
    public static final int MAX_TASKS_PER_NODE = 4096;
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofHours(1);
    public static final Duration MAX_TIME_LIMIT = Duration.ofDays(365);

    private SpecValidation() {
    }

    /** The problems with {@code spec}, in field order; empty when it is valid. */
    public static List<String> problems(JobSpec spec) {
        List<String> out = new ArrayList<>();
        if (spec.getName().length() > 256 || spec.getName().chars().anyMatch(Character::isISOControl)) {
            out.add("spec.name must be at most 256 characters without control characters");
        }
        if (spec.getNodes() > MAX_NODES) {
            out.add("spec.nodes must be at most " + MAX_NODES + " (got " + spec.getNodes() + ")");
        }
        if (spec.getNtasksPerNode() > MAX_TASKS_PER_NODE) {
            out.add("spec.ntasks_per_node must be at most " + MAX_TASKS_PER_NODE);
        }
        if (spec.getGpusPerNode() > MAX_GPUS_PER_NODE) {
            out.add("spec.gpus_per_node must be at most " + MAX_GPUS_PER_NODE);
        }
        if (spec.hasTimeLimit()) {
            long s = spec.getTimeLimit().getSeconds();
            if (s <= 0) {
                out.add("spec.time_limit must be positive");
            } else if (s > MAX_TIME_LIMIT.toSeconds()) {
                out.add("spec.time_limit must be at most 365 days");
            }
        }
        if (spec.getScript().isBlank()) {
            out.add("spec.script is empty");
        } else if (spec.getScript().length() > MAX_SCRIPT_BYTES) {
            out.add("spec.script is larger than 4 MiB");
        } else if (spec.getScript().indexOf('\0') >= 0) {
            out.add("spec.script contains a NUL byte (binary file?)");
        }
        if (!spec.getWorkingDir().startsWith("/")) {
            out.add("spec.working_dir must be an absolute path (got '" + spec.getWorkingDir() + "')");
        }
        for (String pattern : List.of(spec.getOutputPattern(), spec.getErrorPattern())) {
            if (pattern.indexOf('\0') >= 0 || pattern.indexOf('\n') >= 0) {
                out.add("spec.output_pattern and spec.error_pattern must not contain NUL or newlines");
                break;
            }
        }
        for (String key : spec.getEnvironmentMap().keySet()) {
            if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
                out.add("spec.environment has an invalid variable name '" + key + "'");
                break;
            }
        }
        if (spec.getMemPerNodeBytes() < 0) {
            out.add("spec.mem_per_node_bytes is too large");
        }
        if (spec.getCpusPerTask() < 0 || spec.getCpusPerTask() > 4096) {
            out.add("spec.cpus_per_task must be at most 4096");
        }
        if (!spec.getSignal().isEmpty()) {
            try {
                dev.rota.core.job.WarnSignal.parse(spec.getSignal());
            } catch (IllegalArgumentException e) {
                out.add("spec.signal: " + e.getMessage());
            }
        }
        try {
            dev.rota.core.job.Dependency.parse(spec.getDependency());
        } catch (IllegalArgumentException e) {
            out.add("spec.dependency '" + spec.getDependency() + "': " + e.getMessage());
        }
        if (!spec.getArray().isEmpty()) {
            try {
                dev.rota.core.job.ArrayIndexes.parse(spec.getArray());
            } catch (IllegalArgumentException e) {
                out.add("spec.array '" + spec.getArray() + "': " + e.getMessage());
            }
        } else if (spec.getArrayThrottle() != 0) {
            out.add("spec.array_throttle needs spec.array");
        }
        return out;
    }

    /** The core spec for a valid wire spec, submitted by {@code user}. */
    public static dev.rota.core.job.JobSpec toCore(JobSpec spec, String user) {
        Duration limit = spec.hasTimeLimit() ? Duration.ofSeconds(spec.getTimeLimit().getSeconds())
                : DEFAULT_TIME_LIMIT;
        String name = spec.getName().isEmpty() ? "job" : spec.getName();
        return new dev.rota.core.job.JobSpec(name, user, spec.getAccount(), spec.getPartition(),
                Math.max(1, spec.getNodes()), Math.max(1, spec.getNtasksPerNode()), spec.getGpusPerNode(), limit,
                spec.getScript(), spec.getScriptArgsList(), spec.getWorkingDir(), spec.getOutputPattern(),
                spec.getErrorPattern(), dev.rota.core.job.Environment.of(new TreeMap<>(spec.getEnvironmentMap())),
                !spec.getNoRequeue(), spec.getQos(),
                spec.getSignal().isEmpty() ? java.util.Optional.empty()
                        : java.util.Optional.of(dev.rota.core.job.WarnSignal.parse(spec.getSignal())),
                new dev.rota.core.job.NodeLimits(spec.getMemPerNodeBytes(), spec.getCpusPerTask()),
                spec.getHold() ? dev.rota.core.job.Hold.USER : dev.rota.core.job.Hold.NONE,
                spec.hasBeginTime() ? java.util.Optional.of(java.time.Instant.ofEpochSecond(
                        spec.getBeginTime().getSeconds(), spec.getBeginTime().getNanos())) : java.util.Optional.empty(),
                dev.rota.core.job.Dependency.parse(spec.getDependency()),
                spec.getArray().isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(
                        dev.rota.core.job.JobArray.submitted(dev.rota.core.job.ArrayIndexes.parse(spec.getArray()),
                                spec.getArrayThrottle())));
    }
}
