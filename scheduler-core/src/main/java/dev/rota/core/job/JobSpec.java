package dev.rota.core.job;

import java.time.Duration;
import java.time.Instant;
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
 * @param hold        whether it is held back from starting, and by whom
 * @param begin       the earliest it may start ({@code --begin}); empty for now
 * @param dependency  jobs it waits for ({@code --dependency}); {@link Dependency#NONE} for none
 * @param array       its place in a job array; empty when it is not part of one
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
        NodeLimits limits,
        Hold hold,
        Optional<Instant> begin,
        Dependency dependency,
        Optional<JobArray> array) {

    /** A spec without {@code --mem} and {@code --cpus-per-task} that starts as soon as it can. */
    public JobSpec(String name, String user, String account, String partition, int nodes, int tasksPerNode,
            int gpusPerNode, Duration timeLimit, String script, List<String> scriptArgs, String workingDir,
            String outputPattern, String errorPattern, SortedMap<String, String> environment, boolean requeue,
            String qos, Optional<WarnSignal> signal) {
        this(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script, scriptArgs,
                workingDir, outputPattern, errorPattern, environment, requeue, qos, signal, NodeLimits.NONE);
    }

    /** A spec that starts as soon as it can: not held, no begin time, no dependency, not an array. */
    public JobSpec(String name, String user, String account, String partition, int nodes, int tasksPerNode,
            int gpusPerNode, Duration timeLimit, String script, List<String> scriptArgs, String workingDir,
            String outputPattern, String errorPattern, SortedMap<String, String> environment, boolean requeue,
            String qos, Optional<WarnSignal> signal, NodeLimits limits) {
        this(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script, scriptArgs,
                workingDir, outputPattern, errorPattern, environment, requeue, qos, signal, limits, Hold.NONE,
                Optional.empty(), Dependency.NONE, Optional.empty());
    }

    /** A spec without {@code --signal}, {@code --mem} and {@code --cpus-per-task}. */
    public JobSpec(String name, String user, String account, String partition, int nodes, int tasksPerNode,
            int gpusPerNode, Duration timeLimit, String script, List<String> scriptArgs, String workingDir,
            String outputPattern, String errorPattern, SortedMap<String, String> environment, boolean requeue,
            String qos, Hold hold, Optional<Instant> begin, Dependency dependency, Optional<JobArray> array) {
        this(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script, scriptArgs,
                workingDir, outputPattern, errorPattern, environment, requeue, qos, Optional.empty(), NodeLimits.NONE,
                hold, begin, dependency, array);
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

    /** A spec that starts as soon as it can: not held, no begin time, no dependency, not an array. */
    public JobSpec(String name, String user, String account, String partition, int nodes, int tasksPerNode,
            int gpusPerNode, Duration timeLimit, String script, List<String> scriptArgs, String workingDir,
            String outputPattern, String errorPattern, SortedMap<String, String> environment, boolean requeue,
            String qos) {
        this(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script, scriptArgs,
                workingDir, outputPattern, errorPattern, environment, requeue, qos, Optional.empty(), NodeLimits.NONE);
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
        Objects.requireNonNull(hold, "hold");
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(dependency, "dependency");
        Objects.requireNonNull(array, "array");
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
                signal, limits, hold, begin, dependency, array);
    }

    /** A copy charged to {@code newAccount} under {@code newQos}, in {@code newPartition}: what the engine resolved. */
    public JobSpec resolved(String newAccount, String newPartition, String newQos) {
        return new JobSpec(name, user, newAccount, newPartition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, newQos, signal, limits,
                hold, begin, dependency, array);
    }

    /** A copy with {@code --signal} set (or cleared, with empty). */
    public JobSpec withSignal(Optional<WarnSignal> newSignal) {
        return new JobSpec(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, qos, newSignal,
                limits, hold, begin, dependency, array);
    }

    /** A copy with other {@code --mem} and {@code --cpus-per-task}. */
    public JobSpec withLimits(NodeLimits newLimits) {
        return new JobSpec(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, qos, signal,
                newLimits, hold, begin, dependency, array);
    }

    /** A copy held as {@code newHold} (or released, with {@link Hold#NONE}). */
    public JobSpec withHold(Hold newHold) {
        return new JobSpec(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, qos, signal,
                limits, newHold, begin, dependency, array);
    }

    /** A copy with another time limit. */
    public JobSpec withTimeLimit(Duration limit) {
        return new JobSpec(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, limit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, qos, signal,
                limits, hold, begin, dependency, array);
    }

    /** A copy with another name. */
    public JobSpec withName(String newName) {
        return new JobSpec(newName, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, qos, signal,
                limits, hold, begin, dependency, array);
    }

    /** A copy in another place of its array. */
    public JobSpec withArray(JobArray place) {
        return new JobSpec(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, qos, signal,
                limits, hold, begin, dependency, Optional.of(place));
    }

    /** A copy that waits for {@code newDependency}. */
    public JobSpec withDependency(Dependency newDependency) {
        return new JobSpec(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, qos, signal,
                limits, hold, begin, newDependency, array);
    }

    /** A copy that starts no earlier than {@code newBegin}. */
    public JobSpec withBegin(Optional<Instant> newBegin) {
        return new JobSpec(name, user, account, partition, nodes, tasksPerNode, gpusPerNode, timeLimit, script,
                scriptArgs, workingDir, outputPattern, errorPattern, environment, requeue, qos, signal,
                limits, hold, newBegin, dependency, array);
    }

    public int totalGpus() {
        return nodes * gpusPerNode;
    }
}
