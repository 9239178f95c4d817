package dev.rota.core.engine;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Something the engine wants done in the world. The shell carries effects out only after the step's
 * state changes are durable. Agent commands are idempotent per (job, attempt), so carrying one out
 * twice is harmless.
 */
public sealed interface Effect {

    /** Start an allocation: every node of {@code job.allocation()} learns of it; the first runs the script. */
    record LaunchJob(Job job, List<AllocatedNode> nodes, String nodelist) implements Effect {
        public LaunchJob {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * Tell the listed nodes to launch (again) their part of a running allocation; sent to nodes that
     * re-registered without it. Only batch-host nodes run the script.
     */
    record RelaunchOnNode(Job job, List<AllocatedNode> nodes, String nodelist, String node) implements Effect {
        public RelaunchOnNode {
            nodes = List.copyOf(nodes);
        }
    }

    /** Send {@code signal} to an allocation's processes on {@code nodes}, SIGKILL after {@code grace}. */
    record KillJob(JobId job, int attempt, List<String> nodes, String signal, Duration grace) implements Effect {
        public KillJob {
            nodes = List.copyOf(nodes);
        }
    }

    /** Deliver {@link Event.TimerFired} with {@code key} at {@code at}. */
    record ScheduleTimer(Instant at, TimerKey key) implements Effect {
    }

    /** A node of an allocation with where to reach it. */
    record AllocatedNode(String name, String address, List<Integer> gpus) {
        public AllocatedNode {
            gpus = List.copyOf(gpus);
        }
    }
}
