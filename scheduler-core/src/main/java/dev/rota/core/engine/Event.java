package dev.rota.core.engine;

import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.node.Gpu;
import java.time.Instant;
import java.util.List;

/**
 * Something that happened, stamped with when ({@code at}) by whoever feeds the engine (the daemon's
 * loop, a test, the simulator). Events are values: a journal of them replays exactly.
 */
public sealed interface Event {
    Instant at();

    /** A user submitted a job; its spec is already validated at the edge. */
    record JobSubmitted(Instant at, JobSpec spec) implements Event {
    }

    /**
     * {@code user} asked to cancel a job. For an array ({@code job} is its id), {@code tasks} picks
     * some of its tasks ({@code 12_3}, {@code 12_[3-5]}); empty cancels the whole array (or the job).
     */
    record JobCancelRequested(Instant at, JobId job, String user, java.util.Optional<dev.rota.core.job.ArrayIndexes> tasks)
            implements Event {
        public JobCancelRequested(Instant at, JobId job, String user) {
            this(at, job, user, java.util.Optional.empty());
        }
    }

    /**
     * {@code user} asked to hold a pending job (for an array's id: every pending task of it).
     *
     * @param admin whether the caller is an admin, as the edge decided: an admin's hold is
     *              {@code JobHeldAdmin}, which only an admin may release
     */
    record JobHoldRequested(Instant at, JobId job, String user, boolean admin) implements Event {
    }

    /** {@code user} asked to release a held job (for an array's id: every held task of it). */
    record JobReleaseRequested(Instant at, JobId job, String user, boolean admin) implements Event {
    }

    /**
     * {@code user} asked to requeue a running job: its processes are stopped and it goes back to the
     * queue with the same id (a pending job is left as it is).
     */
    record JobRequeueRequested(Instant at, JobId job, String user, boolean admin) implements Event {
    }

    /**
     * {@code user} asked to change a job: a new time limit and/or name (empty leaves it). Owners may
     * shorten their job's limit; only admins may lengthen it.
     */
    record JobUpdateRequested(Instant at, JobId job, String user, boolean admin,
            java.util.Optional<java.time.Duration> timeLimit, java.util.Optional<String> name) implements Event {
    }

    /**
     * An agent opened its stream and described its node.
     *
     * @param running allocations it still runs
     * @param ended   allocations whose batch script ended and that the daemon has not released yet
     *                (the agent repeats them because an earlier report may have been lost)
     * @param released allocations the agent ran and released recently and would refuse to launch again
     */
    record NodeRegistered(Instant at, String node, String address, List<Gpu> gpus, List<RunningAllocation> running,
            List<EndedAllocation> ended, List<RunningAllocation> released) implements Event {
        public NodeRegistered {
            gpus = List.copyOf(gpus);
            running = List.copyOf(running);
            ended = List.copyOf(ended);
            released = List.copyOf(released);
        }

        /** A registration without released allocations (a fresh agent). */
        public NodeRegistered(Instant at, String node, String address, List<Gpu> gpus,
                List<RunningAllocation> running, List<EndedAllocation> ended) {
            this(at, node, address, gpus, running, ended, List.of());
        }
    }

    /** An agent reported what it still runs (periodically). */
    record NodeHeartbeat(Instant at, String node, List<RunningAllocation> running) implements Event {
        public NodeHeartbeat {
            running = List.copyOf(running);
        }
    }

    /** An agent's stream closed, or it stopped heart-beating. */
    record NodeDisconnected(Instant at, String node) implements Event {
    }

    /** An admin drained a node. */
    record NodeDrainRequested(Instant at, String node, String reason, String by) implements Event {
    }

    /** An admin resumed a drained node. */
    record NodeResumeRequested(Instant at, String node, String by) implements Event {
    }

    /**
     * The batch script of an allocation ended on its batch node.
     *
     * <p>Also sent by any node of the allocation, with {@code nodeFault}, when the node and not the
     * job is at fault (an admin prolog failed): the engine drains that node with {@code nodeFault} as
     * the reason and treats the job as after a node failure (requeued if it allows it).
     *
     * @param exitCode    exit status, 128 + N for signal N
     * @param launchError non-empty when the job could not be started at all
     * @param nodeFault   non-empty when the node failed the job: the drain reason
     */
    record AllocationEnded(Instant at, String node, JobId job, int attempt, int exitCode, String launchError,
            String nodeFault) implements Event {
        public AllocationEnded {
            java.util.Objects.requireNonNull(nodeFault, "nodeFault");
        }

        /** An end the job itself caused (or a launch error), no node fault. */
        public AllocationEnded(Instant at, String node, JobId job, int attempt, int exitCode, String launchError) {
            this(at, node, job, attempt, exitCode, launchError, "");
        }
    }

    /**
     * A node reports the energy its GPUs drew for one attempt of a job, once, when it releases the
     * allocation. Added to the job's energy, whatever its state, while the engine still holds it.
     *
     * @param joules integrated GPU power, non-negative
     */
    record EnergyReported(Instant at, String node, JobId job, int attempt, double joules) implements Event {
    }

    /** A timer the engine asked for came due. */
    record TimerFired(Instant at, TimerKey key) implements Event {
    }

    /** Run a scheduling cycle now. */
    record CycleRequested(Instant at) implements Event {
    }

    /**
     * The admin changed the policy file and the daemon re-read it (SIGHUP): from this step on, the
     * engine judges and admits jobs with {@code policy}. Jobs already queued keep their account and
     * QoS; one whose account no longer exists waits with reason {@code InvalidAccount}.
     */
    record PolicyReloaded(Instant at, dev.rota.core.policy.Policy policy) implements Event {
    }

    /** An allocation an agent reports as running on its node. */
    record RunningAllocation(JobId job, int attempt) {
    }

    /** An allocation whose batch script ended, as repeated at registration. */
    record EndedAllocation(JobId job, int attempt, int exitCode, String launchError, String nodeFault) {
        public EndedAllocation(JobId job, int attempt, int exitCode, String launchError) {
            this(job, attempt, exitCode, launchError, "");
        }
    }
}
