package dev.rota.agent.exec;

import dev.rota.agent.health.ExternalProgram;
import dev.rota.agent.health.ExternalProgram.Outcome;
import dev.rota.agent.v1.AllocatedNode;
import dev.rota.agent.v1.LaunchJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An admin prolog or epilog, like Slurm's {@code Prolog} and {@code Epilog} on slurmd: {@code program}
 * runs without arguments as the agent's user, on every node of an allocation, the prolog before the
 * job starts there and the epilog once its processes there are gone. Its environment is the agent's
 * plus {@link #environment}; stdin is {@code /dev/null}. Exit 0 is success. Anything else (a non-zero
 * exit, running past {@code timeout}, which kills it with its descendants, or not starting at all) is
 * a fault of the node, described by {@link #run}'s result as
 * {@code "prolog /etc/rota/prolog exited 3: scratch is full"} (the first non-blank output line, if any).
 *
 * @param kind    {@code "prolog"} or {@code "epilog"}, for the environment and messages
 * @param program absolute path of the program
 * @param timeout how long one run may take
 */
public record AdminScript(String kind, Path program, Duration timeout) {

    /** Longest output line kept in a fault, in characters. */
    public static final int MAX_LINE = 200;

    public AdminScript {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(kind + " timeout must be positive, was " + timeout);
        }
    }

    /**
     * Runs the program for {@code job} on node {@code nodeName}; blocks for at most the timeout (plus
     * about a second).
     *
     * @param exitCode the batch script's exit status, for an epilog on the batch host; empty otherwise
     * @return empty on success, else the fault: the node's drain reason
     */
    public Optional<String> run(LaunchJob job, String nodeName, Optional<Integer> exitCode) {
        Map<String, String> env = environment(job, nodeName);
        exitCode.ifPresent(c -> env.put("SLURM_JOB_EXIT_CODE", Integer.toString(c)));
        String what = kind + " " + program;
        return switch (ExternalProgram.run(List.of(program.toString()), timeout, env)) {
            case Outcome.Exited e when e.code() == 0 -> Optional.empty();
            case Outcome.Exited e -> Optional.of(what + " exited " + e.code() + line(e.output()));
            case Outcome.TimedOut t -> Optional.of(what + " timed out after " + seconds(t.after()) + line(t.output()));
            case Outcome.NotStarted n -> Optional.of(what + " cannot run: " + n.why());
        };
    }

    /**
     * What the program sees besides the agent's environment: Slurm's prolog and epilog variables
     * ({@code SLURM_JOB_ID}, {@code SLURM_JOB_USER}, {@code SLURM_JOB_NODELIST}, {@code SLURM_JOB_NAME},
     * {@code SLURM_JOB_ACCOUNT}, {@code SLURM_JOB_PARTITION}, {@code SLURMD_NODENAME},
     * {@code SLURM_JOB_GPUS} and {@code CUDA_VISIBLE_DEVICES} for this node's GPUs,
     * {@code SLURM_SCRIPT_CONTEXT} = {@code prolog_slurmd} or {@code epilog_slurmd}) and
     * {@code ROTA_JOB_ATTEMPT}.
     */
    Map<String, String> environment(LaunchJob job, String nodeName) {
        Map<String, String> env = new TreeMap<>();
        env.put("SLURM_JOB_ID", Long.toUnsignedString(job.getAllocation().getJobId()));
        env.put("ROTA_JOB_ATTEMPT", Integer.toUnsignedString(job.getAllocation().getAttempt()));
        env.put("SLURM_JOB_USER", job.getUser());
        env.put("SLURM_JOB_NAME", job.getJobName());
        env.put("SLURM_JOB_ACCOUNT", job.getAccount());
        env.put("SLURM_JOB_PARTITION", job.getPartition());
        env.put("SLURM_JOB_NODELIST", job.getNodelist().isEmpty()
                ? job.getNodesList().stream().map(AllocatedNode::getName).collect(Collectors.joining(","))
                : job.getNodelist());
        env.put("SLURMD_NODENAME", nodeName);
        env.put("SLURM_SCRIPT_CONTEXT", kind + "_slurmd");
        job.getNodesList().stream().filter(n -> n.getName().equals(nodeName)).findFirst().ifPresent(n -> {
            String gpus = n.getGpuIndicesList().stream().map(Object::toString).collect(Collectors.joining(","));
            env.put("SLURM_JOB_GPUS", gpus);
            env.put("CUDA_VISIBLE_DEVICES", gpus);
        });
        return env;
    }

    private static String line(String output) {
        String first = ExternalProgram.firstLine(output);
        if (first.isEmpty()) {
            return "";
        }
        return ": " + (first.length() <= MAX_LINE ? first : first.substring(0, MAX_LINE - 3) + "...");
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(java.util.Locale.ROOT, "%.1f s",
                d.toMillis() / 1000.0);
    }
}
