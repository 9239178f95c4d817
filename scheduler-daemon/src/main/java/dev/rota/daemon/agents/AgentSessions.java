package dev.rota.daemon.agents;

import com.google.protobuf.Duration;
import dev.rota.agent.v1.AllocatedNode;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.DaemonMessage;
import dev.rota.agent.v1.KillJob;
import dev.rota.agent.v1.LaunchJob;
import dev.rota.core.engine.Effect;
import dev.rota.core.job.Job;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The open agent streams, by node name, and the translation of the engine's agent commands into
 * {@code rota.agent.v1} messages. Thread-safe. A command for a node without a session is dropped:
 * the node reconciles when it registers again.
 */
public final class AgentSessions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AgentSessions.class.getName());
    private final Map<String, AgentSession> byNode = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService watchdog =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rota-agent-watchdog");
                t.setDaemon(true);
                return t;
            });

    /**
     * @param silenceLimit how long an agent may send nothing (agents heartbeat every few seconds)
     *                     before its stream is closed and its node counts as gone
     */
    public AgentSessions(java.time.Duration silenceLimit) {
        long limitNanos = silenceLimit.toNanos();
        watchdog.scheduleWithFixedDelay(() -> {
            for (AgentSession s : byNode.values()) {
                if (s.silentForNanos() > limitNanos) {
                    s.silenced(silenceLimit);
                }
            }
        }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /** Makes {@code session} the node's current one, closing any older session for the node. */
    void attach(String node, AgentSession session) {
        AgentSession old = byNode.put(node, session);
        if (old != null && old != session) {
            old.replaced();
        }
    }

    /** Forgets {@code session} if it is still the node's current one; returns whether it was. */
    boolean detach(String node, AgentSession session) {
        return byNode.remove(node, session);
    }

    public int connected() {
        return byNode.size();
    }

    /** The longest time, in nanoseconds, any connected agent has sent nothing; 0 with none connected. */
    public long maxSilenceNanos() {
        long max = 0;
        for (AgentSession s : byNode.values()) {
            max = Math.max(max, s.silentForNanos());
        }
        return max;
    }

    /** What the connected agent of {@code node} last told; empty when none is connected. */
    public java.util.Optional<AgentFacts> facts(String node) {
        AgentSession s = byNode.get(node);
        return s == null ? java.util.Optional.empty() : java.util.Optional.of(s.facts());
    }

    /** Sends a launch to every node of the allocation. */
    public void launch(Effect.LaunchJob launch) {
        for (int i = 0; i < launch.nodes().size(); i++) {
            send(launch.nodes().get(i).name(), launchMessage(launch.job(), launch.nodes(), launch.nodelist(), i == 0));
        }
    }

    /** Sends one node its part of a running allocation again. */
    public void relaunch(Effect.RelaunchOnNode relaunch) {
        List<Effect.AllocatedNode> nodes = relaunch.nodes();
        boolean batch = !nodes.isEmpty() && nodes.get(0).name().equals(relaunch.node());
        send(relaunch.node(), launchMessage(relaunch.job(), nodes, relaunch.nodelist(), batch));
    }

    public void kill(Effect.KillJob kill) {
        DaemonMessage msg = DaemonMessage.newBuilder().setKill(KillJob.newBuilder()
                .setAllocation(AllocationRef.newBuilder().setJobId(kill.job().value()).setAttempt(kill.attempt()))
                .setSignal(kill.signal())
                .setGrace(Duration.newBuilder().setSeconds(kill.grace().toSeconds())
                        .setNanos(kill.grace().toNanosPart()))).build();
        for (String node : kill.nodes()) {
            send(node, msg);
        }
    }

    private void send(String node, DaemonMessage msg) {
        AgentSession session = byNode.get(node);
        if (session == null) {
            LOG.fine(() -> "node " + node + " not connected; it reconciles when it registers");
            return;
        }
        session.send(msg);
    }

    /** Slurm's array variables for a task of a job array; they reach every step through srun's environment. */
    static java.util.Map<String, String> arrayEnvironment(dev.rota.core.job.JobArray a) {
        java.util.Map<String, String> env = new java.util.TreeMap<>();
        env.put("SLURM_ARRAY_JOB_ID", Long.toString(a.arrayJobId()));
        a.taskId().ifPresent(t -> env.put("SLURM_ARRAY_TASK_ID", Integer.toString(t)));
        env.put("SLURM_ARRAY_TASK_COUNT", Integer.toString(a.count()));
        env.put("SLURM_ARRAY_TASK_MIN", Integer.toString(a.min()));
        env.put("SLURM_ARRAY_TASK_MAX", Integer.toString(a.max()));
        env.put("SLURM_ARRAY_TASK_STEP", Integer.toString(a.step()));
        return env;
    }

    private static DaemonMessage launchMessage(Job job, List<Effect.AllocatedNode> nodes, String nodelist,
            boolean batchHost) {
        var s = job.spec();
        LaunchJob.Builder b = LaunchJob.newBuilder()
                .setAllocation(AllocationRef.newBuilder().setJobId(job.id().value()).setAttempt(job.attempt()))
                .setJobName(s.name()).setUser(s.user()).setAccount(s.account()).setPartition(s.partition())
                .setScript(s.script()).addAllScriptArgs(s.scriptArgs()).setWorkingDir(s.workingDir())
                .setOutputPath(job.outputPath()).setErrorPath(job.errorPath()).putAllEnvironment(s.environment())
                .setNtasksPerNode(s.tasksPerNode()).setBatchHost(batchHost).setMasterPort(job.masterPort())
                .setTimeLimit(Duration.newBuilder().setSeconds(s.timeLimit().toSeconds())).setNodelist(nodelist)
                .setMemPerNodeBytes(s.limits().memoryBytes()).setCpusPerTask(s.limits().cpusPerTask());
        s.signal().ifPresent(w -> b.setWarnSignal(dev.rota.agent.v1.WarnSignal.newBuilder().setSignal(w.signal())
                .setSecondsBefore((int) w.before().toSeconds()).setBatchOnly(w.batchOnly())));
        s.array().ifPresent(a -> b.putAllEnvironment(arrayEnvironment(a)));
        for (Effect.AllocatedNode n : nodes) {
            b.addNodes(AllocatedNode.newBuilder().setName(n.name()).setAddress(n.address())
                    .addAllGpuIndices(n.gpus()));
        }
        return DaemonMessage.newBuilder().setLaunch(b).build();
    }
}
