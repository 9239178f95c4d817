package dev.rota.core.job;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a user asked for, with defaults already filled in by the edge. Immutable.
 *
 * @param user        who submitted it (from the caller's identity, never from the request body)
 * @param nodes       number of nodes, all-or-nothing
 * @param tasksPerNode tasks srun starts per node (at least 1)
 * @param gpusPerNode GPUs on every node of the allocation (0 allowed)
 * @param timeLimit   wall-clock limit, positive
 * @param environment exported to the job; sorted so iteration is deterministic
 * @param requeue     whether a node failure sends it back to the queue (Slurm's default) rather than
 *                    ending it NODE_FAIL
 * @param qos         the quality of service asked for; empty until the engine fills in the default
 * @param signal      {@code --signal}: a signal sent shortly before the time limit; empty for none
 * @param limits      {@code --mem} and {@code --cpus-per-task}, enforced by the agents where they can
 */
public record JobSpec(
        String name,
        String user,
        String account,
        String partition,
        int nodes,
        int tasksPerNode,
        int gpusPerNode,
        Duration timeLimit,
        String script,
        List<String> scriptArgs,
        String workingDir,
        String outputPattern,
        String errorPattern,
        SortedMap<String, String> environment,
        boolean requeue,
        String qos,
        Optional<WarnSignal> signal,
        NodeLimits limits) {

    /** A spec without {@code --signal}. */
    public JobSpec(String name, String user, String account, String partition, int nodes, int tasksPerNode,
            int gpusPerNode, Duration timeLimit, String script, List<String> scriptArgs, String workingDir,
            String outputPattern, String errorPattern, SortedMap<String, String> environment, boolean requeue,
            String qos) {
        this(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script, scriptArgs,
                workingDir, outputPattern, errorPattern, environment, requeue, qos, Optional.empty(), NodeLimits.NONE);
    }

    /** A spec without {@code --mem} and {@code --cpus-per-task}. */
    public JobSpec(String name, String user, String account, String partition, int nodes, int tasksPerNode,
            int gpusPerNode, Duration timeLimit, String script, List<String> scriptArgs, String workingDir,
            String outputPattern, String errorPattern, SortedMap<String, String> environment, boolean requeue,
            String qos, Optional<WarnSignal> signal) {
        this(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script, scriptArgs,
                workingDir, outputPattern, errorPattern, environment, requeue, qos, signal, NodeLimits.NONE);
    }

    /**
     * A spec without a QoS (the default one), from any environment map (copied and sorted unless it
     * already is an {@link Environment}).
     */
    public JobSpec(String name, String user, String account, String partition, int nodes, int tasksPerNode,
            int gpusPerNode, Duration timeLimit, String script, List<String> scriptArgs, String workingDir,
            String outputPattern, String errorPattern, Map<String, String> environment, boolean requeue) {
        this(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script, scriptArgs,
                workingDir, outputPattern, errorPattern, Environment.of(environment), requeue, "");
    }

    public JobSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(timeLimit, "timeLimit");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(workingDir, "workingDir");
        Objects.requireNonNull(outputPattern, "outputPattern");
        Objects.requireNonNull(errorPattern, "errorPattern");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(limits, "limits");
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be at least 1: " + nodes);
        }
        if (tasksPerNode < 1) {
            throw new IllegalArgumentException("tasksPerNode must be at least 1: " + tasksPerNode);
        }
        if (gpusPerNode < 0) {
            throw new IllegalArgumentException("gpusPerNode must not be negative: " + gpusPerNode);
        }
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("timeLimit must be positive: " + timeLimit);
        }
        scriptArgs = List.copyOf(scriptArgs);
        environment = Environment.of(environment);
    }

    /** A copy with another environment (sorted). */
    public JobSpec withEnvironment(Map<String, String> env) {
        return new JobSpec(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, Environment.of(new TreeMap<>(env)), requeue, qos,
                signal, limits);
    }

    /** A copy charged to {@code newAccount} under {@code newQos}, in {@code newPartition}: what the engine resolved. */
    public JobSpec resolved(String newAccount, String newPartition, String newQos) {
        return new JobSpec(name, user, newAccount, newPartition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, newQos, signal,
                limits);
    }

    /** A copy with {@code --signal} set (or cleared, with empty). */
    public JobSpec withSignal(Optional<WarnSignal> newSignal) {
        return new JobSpec(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, qos, newSignal,
                limits);
    }

    /** A copy with other {@code --mem} and {@code --cpus-per-task}. */
    public JobSpec withLimits(NodeLimits newLimits) {
        return new JobSpec(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, qos, signal, newLimits);
    }

    public int totalGpus() {
        return nodes * gpusPerNode;
    }
}
