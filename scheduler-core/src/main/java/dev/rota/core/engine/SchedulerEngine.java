package dev.rota.core.engine;

import dev.rota.core.engine.ClusterState.NodeEntry;
import dev.rota.core.engine.Effect.AllocatedNode;
import dev.rota.core.engine.Event.EndedAllocation;
import dev.rota.core.engine.Event.RunningAllocation;
import dev.rota.core.engine.Outcome.Rejected;
import dev.rota.core.engine.Outcome.Rejection;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.job.JobState;
import dev.rota.core.job.NodeAllocation;
import dev.rota.core.node.Drain;
import dev.rota.core.node.Gpu;
import dev.rota.core.node.Hostlist;
import dev.rota.core.node.NodeRecord;
import dev.rota.core.node.NodeNames;
import dev.rota.core.plan.AvailabilityProfile;
import dev.rota.core.plan.GpuChoice;
import dev.rota.core.plan.Reservation;
import dev.rota.core.policy.Account;
import dev.rota.core.policy.FairTree;
import dev.rota.core.policy.Limits;
import dev.rota.core.policy.Policy;
import dev.rota.core.policy.Priority;
import dev.rota.core.policy.Qos;
import dev.rota.core.policy.Usage;
import dev.rota.core.policy.UsageKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;

/**
 * The deterministic scheduler: {@link #handle} takes a batch of events and returns the state
 * changes to persist, the effects to carry out and one outcome per event. The same engine runs in
 * the daemon, the tests and the simulator.
 *
 * <p>Not thread-safe: exactly one thread (the daemon's engine loop) calls it. It reads no clock:
 * time is the {@code at} of each event. When a batch changed anything that may let a job start, a
 * scheduling cycle runs at the end of the batch, at the time of its last event.
 *
 * <p>Each full scheduling cycle judges every pending job's multifactor priority (fair share from
 * the account tree's decayed usage, age, size, QoS; {@link dev.rota.core.policy}) and walks the
 * queue in that order: a job starts when its gang fits now without delaying any reservation
 * (backfill); the first blocked jobs get reservations; jobs over an account's or QoS's limits or
 * budget wait with that reason.
 */
public final class SchedulerEngine {
    /** Who a drain for a node fault reported by an agent (a failed prolog) is recorded as by. */
    public static final String NODE_FAULT_DRAINER = "rota-agent";
    private static final String KILL_NOW = "KILL";
    private static final String TERMINATE = "TERM";
    /** How many future times a reservation search tries before it gives up on a job. */
    private static final int MAX_RESERVATION_CANDIDATES = 512;

    /** Replaced whole, with a new policy, by {@link Event.PolicyReloaded}; otherwise fixed. */
    private EngineConfig config;
    /** Hashed lookups into {@code config.policy()}, rebuilt with it: asked once per pending job per cycle. */
    private PolicyIndex index;

    /**
     * The policy's accounts, QoS levels and partitions in hash maps. The policy keeps them sorted
     * (for display and deterministic iteration); a cycle looks one of each up per pending job, and a
     * string hash beats a dozen string comparisons.
     */
    private record PolicyIndex(java.util.Map<String, dev.rota.core.policy.Account> accounts,
            java.util.Map<String, Qos> qos, java.util.Map<String, dev.rota.core.policy.Partition> partitions,
            Qos defaultQos) {
        static PolicyIndex of(Policy p) {
            return new PolicyIndex(new java.util.HashMap<>(p.accounts()), new java.util.HashMap<>(p.qos()),
                    new java.util.HashMap<>(p.partitions()), p.qos().get(p.defaultQos()));
        }
    }
    private final ClusterState state = new ClusterState();
    private long steps;
    /** Whether the last cycle's decisions and reservations still hold (only submissions since). */
    private boolean planCurrent;

    private SchedulerEngine(EngineConfig config) {
        this.config = config;
        this.index = PolicyIndex.of(config.policy());
    }

    /** An engine with no jobs and no nodes. */
    public static SchedulerEngine fresh(EngineConfig config) {
        return new SchedulerEngine(config);
    }

    /**
     * An engine holding what a store recovered: the live (pending and running) jobs, and any
     * finished ones to keep answering queries about (they are kept in end-time order, up to the
     * configured count). Every node starts disconnected until its agent registers again; running
     * jobs keep their GPUs.
     *
     * @throws IllegalStateException when the stored jobs over-allocate a GPU (corrupt state)
     */
    public static SchedulerEngine restore(EngineConfig config, long nextJobId, Collection<NodeRecord> nodes,
            Collection<Job> jobs) {
        return restore(config, nextJobId, nodes, jobs, java.util.Map.of());
    }

    /** As {@link #restore(EngineConfig, long, Collection, Collection)}, with the charged usage the store kept. */
    public static SchedulerEngine restore(EngineConfig config, long nextJobId, Collection<NodeRecord> nodes,
            Collection<Job> jobs, java.util.Map<UsageKey, Usage> usage) {
        SchedulerEngine engine = new SchedulerEngine(config);
        ClusterState s = engine.state;
        s.usage.putAll(usage);
        for (NodeRecord n : nodes) {
            s.nodes.put(n.name(), new NodeEntry(n));
        }
        List<Job> ordered = new ArrayList<>(jobs);
        // Finished jobs enter the eviction order by when they ended (ties by id), live ones by id.
        ordered.sort(java.util.Comparator.<Job, Instant>comparing(j -> j.endTime() == null ? Instant.MAX
                : j.endTime()).thenComparing(Job::id));
        long maxId = 0;
        for (Job j : ordered) {
            s.put(j);
            maxId = Math.max(maxId, j.id().value());
            if (j.isRunning()) {
                s.hold(j);
            }
        }
        s.nextJobId = Math.max(nextJobId, maxId + 1);
        s.evictFinished(config.finishedInMemory());
        // A node without running jobs is simply down until its agent registers; one with running
        // jobs is given the node-down timeout to come back and report them (see recoveryEffects).
        for (NodeEntry n : s.nodes.values()) {
            n.failed = n.running.isEmpty();
        }
        return engine;
    }

    /**
     * Timers a restored engine needs: the time limits of running jobs, and for every node that
     * holds running jobs, a check at {@code now} + the node-down timeout that fails or requeues
     * them unless the node's agent has registered by then.
     */
    public List<Effect> recoveryEffects(Instant now) {
        List<Effect> effects = new ArrayList<>();
        for (Job j : state.jobs.values()) {
            if (j.isRunning() && j.endingAs() == null) {
                effects.add(timeLimitTimer(j));
            }
            if (j.state() == JobState.PENDING && j.spec().begin().isPresent() && j.spec().begin().get().isAfter(now)) {
                effects.add(new Effect.ScheduleTimer(j.spec().begin().get(), new TimerKey.BeginTime(j.id())));
            }
        }
        for (NodeEntry n : state.nodes.values()) {
            if (!n.running.isEmpty()) {
                effects.add(new Effect.ScheduleTimer(now.plus(config.nodeDownTimeout()),
                        new TimerKey.NodeLostCheck(n.record.name(), n.epoch)));
            }
        }
        return effects;
    }

    /** The last full cycle's priorities and fair-share tree; the same object until the next full cycle. */
    public ClusterSnapshot.Judgement judgement() {
        return state.judgement();
    }

    /** When the blocked jobs holding reservations will start at the latest; small (the reservation depth). */
    public SortedMap<JobId, Instant> estimatedStarts() {
        return state.estimatedStarts();
    }

    /** The state after the last step, as an immutable snapshot. */
    public ClusterSnapshot snapshot() {
        return state.snapshot(steps);
    }

    /**
     * Applies a batch of events in order.
     *
     * @return changes to persist, effects to carry out after persisting, and one outcome per event
     */
    public StepResult handle(List<? extends Event> events) {
        Step step = new Step();
        Instant last = null;
        for (Event e : events) {
            last = e.at();
            step.now = e.at();
            step.outcomes.add(apply(e, step));
        }
        boolean onlySubmissions = !events.isEmpty()
                && events.stream().allMatch(e -> e instanceof Event.JobSubmitted);
        if (!onlySubmissions) {
            // Anything else may have changed capacity: the next cycle re-plans every pending job.
            planCurrent = false;
        }
        if (step.cycleNeeded && last != null) {
            runCycle(last, step, onlySubmissions && planCurrent);
            planCurrent = true;
        }
        state.evictFinished(config.finishedInMemory());
        steps++;
        return new StepResult(step.changes, step.effects, step.outcomes);
    }

    /** Convenience for one event. */
    public StepResult handle(Event event) {
        return handle(List.of(event));
    }

    /** What one step accumulates. */
    private static final class Step {
        final List<StateChange> changes = new ArrayList<>();
        final List<Effect> effects = new ArrayList<>();
        final List<Outcome> outcomes = new ArrayList<>();
        boolean cycleNeeded;
        /** The time of the event being applied. */
        Instant now;
        /** Jobs this step submitted, in id order. */
        final List<JobId> submitted = new ArrayList<>();
    }

    private Outcome apply(Event event, Step step) {
        return switch (event) {
            case Event.JobSubmitted e -> submit(e, step);
            case Event.JobCancelRequested e -> cancel(e, step);
            case Event.JobHoldRequested e -> hold(e, step);
            case Event.JobReleaseRequested e -> release(e, step);
            case Event.JobRequeueRequested e -> requeue(e, step);
            case Event.JobUpdateRequested e -> update(e, step);
            case Event.NodeRegistered e -> register(e, step);
            case Event.NodeHeartbeat e -> heartbeat(e, step);
            case Event.NodeDisconnected e -> disconnect(e, step);
            case Event.NodeDrainRequested e -> drain(e, step);
            case Event.NodeResumeRequested e -> resume(e, step);
            case Event.AllocationEnded e -> allocationEnded(e, step);
            case Event.EnergyReported e -> energy(e, step);
            case Event.TimerFired e -> timer(e, step);
            case Event.PolicyReloaded e -> {
                config = config.withPolicy(e.policy());
                index = PolicyIndex.of(e.policy());
                step.cycleNeeded = true;
                yield Outcome.applied();
            }
            case Event.CycleRequested e -> {
                step.cycleNeeded = true;
                yield Outcome.applied();
            }
        };
    }

    // ---- jobs ----

    private Outcome submit(Event.JobSubmitted e, Step step) {
        JobSpec spec = e.spec();
        Policy policy = config.policy();
        String partitionName = spec.partition().isEmpty() ? policy.defaultPartition() : spec.partition();
        dev.rota.core.policy.Partition partition = policy.partitions().get(partitionName);
        if (partition == null) {
            return new Rejected(Rejection.INFEASIBLE, "partition '" + partitionName + "' does not exist (partitions: "
                    + String.join(", ", policy.partitions().keySet()) + ")");
        }
        if (partition.maxTime().isPresent() && spec.timeLimit().compareTo(partition.maxTime().get()) > 0) {
            return new Rejected(Rejection.INFEASIBLE, "time limit " + dev.rota.core.time.SlurmTime.format(spec.timeLimit())
                    + " exceeds partition '" + partitionName + "' MaxTime="
                    + dev.rota.core.time.SlurmTime.format(partition.maxTime().get()));
        }
        String partitionUsed = partitionName;
        Optional<String> infeasible = infeasibility(spec, partition);
        if (infeasible.isPresent()) {
            return new Rejected(Rejection.INFEASIBLE, infeasible.get());
        }
        JobSpec filled;
        switch (config.policy().resolve(spec.user(), spec.account(), spec.qos())) {
            case Policy.Resolution.Refused r -> {
                return new Rejected(r.reason().contains("may not charge") ? Rejection.PERMISSION_DENIED
                        : Rejection.INFEASIBLE, r.reason());
            }
            case Policy.Resolution.Resolved r -> filled = spec.resolved(r.account(), partitionUsed, r.qos());
        }
        for (dev.rota.core.job.Dependency.Clause c : filled.dependency().clauses()) {
            for (dev.rota.core.job.Dependency.JobRef ref : c.jobs()) {
                if (ref.job() >= state.nextJobId) {
                    return new Rejected(Rejection.INFEASIBLE, "dependency on job " + ref
                            + ", which does not exist (Slurm: Job dependency problem)");
                }
            }
        }
        JobId id = JobId.of(state.nextJobId++);
        if (filled.array().isPresent()) {
            filled = filled.withArray(filled.array().get().withArrayJobId(id.value()));
        }
        Job job = Job.submitted(id, filled, e.at(), port(id));
        state.put(job);
        if (filled.begin().isPresent() && filled.begin().get().isAfter(e.at())) {
            step.effects.add(new Effect.ScheduleTimer(filled.begin().get(), new TimerKey.BeginTime(id)));
        }
        step.submitted.add(id);
        step.changes.add(new StateChange.NextJobIdAdvanced(state.nextJobId));
        step.changes.add(new StateChange.JobUpserted(job));
        step.cycleNeeded = true;
        return new Outcome.JobAccepted(id);
    }

    private int port(JobId id) {
        return config.masterPortBase() + (int) (id.value() % config.masterPortSpan());
    }

    /** Why a job could never run on the nodes of its partition this cluster knows, if it could not. */
    private Optional<String> infeasibility(JobSpec spec, dev.rota.core.policy.Partition partition) {
        int known = 0;
        int bigEnough = 0;
        int largest = 0;
        for (NodeEntry n : state.nodes.values()) {
            if (!partition.contains(n.record.name())) {
                continue;
            }
            known++;
            int gpus = n.record.gpus().size();
            largest = Math.max(largest, gpus);
            if (gpus >= spec.gpusPerNode()) {
                bigEnough++;
            }
        }
        if (bigEnough >= spec.nodes()) {
            return Optional.empty();
        }
        if (known == 0) {
            return Optional.of("partition '" + partition.name() + "' has no nodes yet");
        }
        if (spec.gpusPerNode() > largest) {
            return Optional.of("requests " + spec.gpusPerNode() + " GPUs per node but the largest node in partition '"
                    + partition.name() + "' has " + largest);
        }
        return Optional.of("requests " + spec.nodes() + " nodes with " + spec.gpusPerNode()
                + " GPUs each but partition '" + partition.name() + "' has only " + bigEnough
                + " such node" + (bigEnough == 1 ? "" : "s"));
    }

    private Outcome cancel(Event.JobCancelRequested e, Step step) {
        Job job = lookUp(e.job());
        if (job == null) {
            return new Rejected(Rejection.NOT_FOUND, "job " + e.job() + " does not exist");
        }
        if (!e.user().equals(job.spec().user()) && !e.user().equals("root")) {
            return new Rejected(Rejection.PERMISSION_DENIED, "job " + e.job() + " belongs to " + job.spec().user()
                    + "; " + e.user() + " may not cancel it");
        }
        String reason = "Cancelled by " + e.user();
        boolean wholeArray = job.spec().array().map(a -> a.arrayJobId() == e.job().value()).orElse(false);
        if (e.tasks().isPresent() && !wholeArray) {
            return new Rejected(Rejection.NOT_FOUND, "job " + e.job() + " is not a job array");
        }
        if (wholeArray) {
            for (JobId member : List.copyOf(state.arrays.getOrDefault(e.job().value(), new java.util.TreeSet<>()))) {
                cancelArrayMember(state.jobs.get(member), e.tasks(), reason, e.at(), step);
            }
            return Outcome.applied();
        }
        cancelOne(job, reason, e.at(), step);
        return Outcome.applied();
    }

    /**
     * The job with {@code id}, or for an array's id whose first task the engine no longer keeps,
     * another job of that array (an array's id names the whole array).
     */
    private Job lookUp(JobId id) {
        Job job = state.jobs.get(id);
        if (job == null && state.arrays.containsKey(id.value())) {
            job = state.jobs.get(state.arrays.get(id.value()).first());
        }
        return job;
    }

    /** Cancels the selected tasks of one job of an array: a split-off task, or indexes not yet started. */
    private void cancelArrayMember(Job member, Optional<dev.rota.core.job.ArrayIndexes> tasks, String reason,
            Instant at, Step step) {
        dev.rota.core.job.JobArray a = member.spec().array().orElseThrow();
        if (a.taskId().isPresent()) {
            if (tasks.isEmpty() || tasks.get().contains(a.taskId().getAsInt())) {
                cancelOne(member, reason, at, step);
            }
            return;
        }
        if (member.state() != JobState.PENDING) {
            return;
        }
        dev.rota.core.job.ArrayIndexes left = a.pending();
        int lastRemoved = -1;
        for (int index : tasks.isEmpty() ? a.pending().toList() : tasks.get().toList()) {
            if (left.contains(index)) {
                left = left.without(index);
                lastRemoved = index;
            }
        }
        if (lastRemoved < 0) {
            return;
        }
        if (left.isEmpty()) {
            // Nothing left to start: the record becomes the last task cancelled, as Slurm reuses it.
            Job asTask = member.withSpec(member.spec().withArray(a.task(lastRemoved)));
            cancelOne(asTask, reason, at, step);
        } else {
            upsert(member.withSpec(member.spec().withArray(a.withPending(left))), step);
            step.cycleNeeded = true;
        }
    }

    private void cancelOne(Job job, String reason, Instant at, Step step) {
        switch (job.state()) {
            case PENDING -> {
                upsert(job.ended(JobState.CANCELLED, reason, OptionalInt.empty(), at), step);
                step.cycleNeeded = true;
            }
            case RUNNING -> {
                if (job.endingAs() == null) {
                    Job ending = job.ending(JobState.CANCELLED, reason);
                    upsert(ending, step);
                    step.effects.add(kill(ending, nodesOf(ending), TERMINATE, config.killGrace()));
                }
            }
            default -> {
                // Already ended: cancelling is idempotent.
            }
        }
    }

    // ---- holds, requeue, updates ----

    /** The job a control request names, or why it cannot act on it. */
    private Object controlled(JobId id, String user, boolean admin, String verb) {
        Job job = lookUp(id);
        if (job == null) {
            return new Rejected(Rejection.NOT_FOUND, "job " + id + " does not exist");
        }
        if (!admin && !user.equals(job.spec().user())) {
            return new Rejected(Rejection.PERMISSION_DENIED, "job " + id + " belongs to " + job.spec().user() + "; "
                    + user + " may not " + verb + " it");
        }
        return job;
    }

    /** The pending jobs a hold or release acts on: the job, or for an array's id every pending record of it. */
    private List<Job> pendingTargets(JobId named, Job job) {
        boolean wholeArray = job.spec().array().map(a -> a.arrayJobId() == named.value()).orElse(false);
        if (!wholeArray) {
            return job.state() == JobState.PENDING ? List.of(job) : List.of();
        }
        List<Job> out = new ArrayList<>();
        for (JobId member : state.arrays.getOrDefault(named.value(), new java.util.TreeSet<>())) {
            Job j = state.jobs.get(member);
            if (j.state() == JobState.PENDING) {
                out.add(j);
            }
        }
        return out;
    }

    private Outcome hold(Event.JobHoldRequested e, Step step) {
        Object found = controlled(e.job(), e.user(), e.admin(), "hold");
        if (found instanceof Rejected r) {
            return r;
        }
        List<Job> targets = pendingTargets(e.job(), (Job) found);
        if (targets.isEmpty()) {
            return new Rejected(Rejection.INFEASIBLE, "job " + e.job() + " is no longer pending; only a pending job "
                    + "can be held");
        }
        dev.rota.core.job.Hold kind = e.admin() ? dev.rota.core.job.Hold.ADMIN : dev.rota.core.job.Hold.USER;
        for (Job j : targets) {
            if (j.spec().hold() != kind && j.spec().hold() != dev.rota.core.job.Hold.ADMIN) {
                upsert(j.withSpec(j.spec().withHold(kind)).withReason(kind.reason()), step);
            }
        }
        step.cycleNeeded = true;
        return Outcome.applied();
    }

    private Outcome release(Event.JobReleaseRequested e, Step step) {
        Object found = controlled(e.job(), e.user(), e.admin(), "release");
        if (found instanceof Rejected r) {
            return r;
        }
        List<Job> targets = pendingTargets(e.job(), (Job) found);
        for (Job j : targets) {
            if (j.spec().hold() == dev.rota.core.job.Hold.ADMIN && !e.admin()) {
                return new Rejected(Rejection.PERMISSION_DENIED, "job " + j.id() + " is held by an admin "
                        + "(JobHeldAdmin); only an admin may release it");
            }
        }
        for (Job j : targets) {
            if (j.spec().hold() != dev.rota.core.job.Hold.NONE) {
                upsert(j.withSpec(j.spec().withHold(dev.rota.core.job.Hold.NONE)).withReason(""), step);
            }
        }
        step.cycleNeeded = true;
        return Outcome.applied();
    }

    private Outcome requeue(Event.JobRequeueRequested e, Step step) {
        Object found = controlled(e.job(), e.user(), e.admin(), "requeue");
        if (found instanceof Rejected r) {
            return r;
        }
        Job job = (Job) found;
        switch (job.state()) {
            case PENDING -> {
                // Already queued: nothing to do.
            }
            case RUNNING -> {
                if (job.endingAs() == null) {
                    Job ending = job.ending(JobState.PENDING, "Requeued by " + e.user());
                    upsert(ending, step);
                    step.effects.add(kill(ending, nodesOf(ending), TERMINATE, config.killGrace()));
                }
            }
            default -> {
                return new Rejected(Rejection.INFEASIBLE, "job " + e.job() + " has ended (" + job.state()
                        + "); only a pending or running job can be requeued");
            }
        }
        return Outcome.applied();
    }

    private Outcome update(Event.JobUpdateRequested e, Step step) {
        Object found = controlled(e.job(), e.user(), e.admin(), "update");
        if (found instanceof Rejected r) {
            return r;
        }
        Job job = (Job) found;
        if (job.state().isTerminal()) {
            return new Rejected(Rejection.INFEASIBLE, "job " + e.job() + " has ended (" + job.state()
                    + "); it can no longer be changed");
        }
        JobSpec spec = job.spec();
        if (e.timeLimit().isPresent()) {
            Duration limit = e.timeLimit().get();
            if (limit.isZero() || limit.isNegative()) {
                return new Rejected(Rejection.INFEASIBLE, "the time limit must be positive");
            }
            if (limit.compareTo(spec.timeLimit()) > 0 && !e.admin()) {
                return new Rejected(Rejection.PERMISSION_DENIED, "only an admin may lengthen a time limit (job "
                        + e.job() + " has " + dev.rota.core.time.SlurmTime.format(spec.timeLimit())
                        + "); you may shorten it");
            }
            dev.rota.core.policy.Partition partition = index.partitions().get(spec.partition());
            if (partition != null && partition.maxTime().isPresent() && limit.compareTo(partition.maxTime().get()) > 0
                    && !e.admin()) {
                return new Rejected(Rejection.INFEASIBLE, "time limit " + dev.rota.core.time.SlurmTime.format(limit)
                        + " exceeds partition '" + spec.partition() + "' MaxTime="
                        + dev.rota.core.time.SlurmTime.format(partition.maxTime().get()));
            }
            spec = spec.withTimeLimit(limit);
        }
        if (e.name().isPresent()) {
            if (e.name().get().isBlank()) {
                return new Rejected(Rejection.INFEASIBLE, "the name must not be empty");
            }
            spec = spec.withName(e.name().get());
        }
        Job updated = job.withSpec(spec);
        upsert(updated, step);
        if (updated.isRunning() && updated.endingAs() == null && e.timeLimit().isPresent()) {
            // The old timer stays armed; the handler ignores it unless the new limit has passed too.
            step.effects.add(timeLimitTimer(updated));
        }
        step.cycleNeeded = true;
        return Outcome.applied();
    }

    private Outcome timer(Event.TimerFired e, Step step) {
        switch (e.key()) {
            case TimerKey.NodeLostCheck c -> {
                NodeEntry entry = state.nodes.get(c.node());
                if (entry != null && !entry.connected && !entry.failed && entry.epoch == c.epoch()) {
                    nodeLost(entry, e.at(), step);
                }
            }
            case TimerKey.BeginTime b -> step.cycleNeeded = true;
            case TimerKey.TimeLimit t -> {
                Job job = state.jobs.get(t.job());
                if (job != null && job.isRunning() && job.attempt() == t.attempt() && job.endingAs() == null
                        && !job.startTime().plus(job.spec().timeLimit()).isAfter(e.at())) {
                    Job ending = job.ending(JobState.TIMEOUT, "TimeLimit");
                    upsert(ending, step);
                    step.effects.add(kill(ending, nodesOf(ending), TERMINATE, config.killGrace()));
                }
            }
        }
        return Outcome.applied();
    }

    private Outcome allocationEnded(Event.AllocationEnded e, Step step) {
        if (!e.nodeFault().isEmpty()) {
            return nodeFault(e, step);
        }
        Instant at = e.at();
        String node = e.node();
        JobId id = e.job();
        int attempt = e.attempt();
        int exitCode = e.exitCode();
        String launchError = e.launchError();
        Job job = state.jobs.get(id);
        boolean current = job != null && job.isRunning() && job.attempt() == attempt
                && job.batchNode().orElse("").equals(node);
        if (!current) {
            // A stale or duplicate report: release it on that node so the agent forgets it.
            NodeEntry entry = state.nodes.get(node);
            if (entry != null) {
                List<Integer> held = entry.lingering.remove(new RunningAllocation(id, attempt));
                if (held != null) {
                    entry.freeGpus.addAll(held);
                    step.cycleNeeded = true;
                }
            }
            step.effects.add(new Effect.KillJob(id, attempt, List.of(node), KILL_NOW, Duration.ZERO));
            return Outcome.applied();
        }
        if (job.endingAs() == null && (exitCode != 0 || !launchError.isEmpty()) && anyNodeAway(job)) {
            state.deferredExits.put(id, e);
            return Outcome.applied();
        }
        state.deferredExits.remove(id);
        if (job.endingAs() == JobState.PENDING) {
            // Preempted with requeue: its processes are gone; back to the queue with the same id.
            state.release(job);
            step.effects.add(kill(job, nodesOf(job), KILL_NOW, Duration.ZERO));
            upsert(job.requeued(job.reason()), step);
            step.cycleNeeded = true;
            return Outcome.applied();
        }
        JobState end;
        String reason;
        if (job.endingAs() != null) {
            end = job.endingAs();
            reason = job.reason();
        } else if (!launchError.isEmpty()) {
            end = JobState.FAILED;
            reason = "LaunchFailed: " + launchError;
        } else if (exitCode == 0) {
            end = JobState.COMPLETED;
            reason = "";
        } else {
            end = JobState.FAILED;
            reason = "NonZeroExitCode";
        }
        OptionalInt code = launchError.isEmpty() ? OptionalInt.of(exitCode) : OptionalInt.empty();
        finish(job, end, reason, code, at, step);
        return Outcome.applied();
    }

    private Outcome energy(Event.EnergyReported e, Step step) {
        Job job = state.jobs.get(e.job());
        if (job == null || e.attempt() > job.attempt() || !(e.joules() >= 0) || Double.isInfinite(e.joules())) {
            return Outcome.applied(); // forgotten already, from the future, or not a reading
        }
        upsert(job.withEnergyAdded(e.joules()), step);
        return Outcome.applied();
    }

    /**
     * A node of the job's allocation failed it before it could run (an admin prolog failed there):
     * drain the node with the agent's reason and handle the job as after a node failure. A stale or
     * repeated report only releases the allocation on that node.
     */
    private Outcome nodeFault(Event.AllocationEnded e, Step step) {
        Job job = state.jobs.get(e.job());
        NodeEntry entry = state.nodes.get(e.node());
        boolean current = job != null && entry != null && job.isRunning() && job.attempt() == e.attempt()
                && job.allocation().stream().anyMatch(a -> a.node().equals(e.node()));
        if (current) {
            entry.record = entry.record.withDrain(Optional.of(new Drain(e.nodeFault(), NODE_FAULT_DRAINER, e.at())));
            step.changes.add(new StateChange.NodeUpserted(entry.record));
            gangLost(job, e.node(), "NodeFail: " + e.node() + ": " + e.nodeFault(), e.at(), step);
        } else if (entry != null) {
            List<Integer> held = entry.lingering.remove(new RunningAllocation(e.job(), e.attempt()));
            if (held != null) {
                entry.freeGpus.addAll(held);
                step.cycleNeeded = true;
            }
        }
        step.effects.add(new Effect.KillJob(e.job(), e.attempt(), List.of(e.node()), KILL_NOW, Duration.ZERO));
        return Outcome.applied();
    }

    /** Ends a running job: frees its GPUs and tells every node of it to clean up. */
    private void finish(Job job, JobState end, String reason, OptionalInt code, Instant at, Step step) {
        state.release(job);
        step.effects.add(kill(job, nodesOf(job), KILL_NOW, Duration.ZERO));
        upsert(job.ended(end, reason, code, at), step);
        step.cycleNeeded = true;
    }

    // ---- nodes ----

    private Outcome register(Event.NodeRegistered e, Step step) {
        NodeEntry entry = state.nodes.get(e.node());
        NodeRecord record = new NodeRecord(e.node(), e.address(), e.gpus(),
                entry == null ? Optional.empty() : entry.record.drain());
        if (entry == null) {
            entry = new NodeEntry(record);
            state.nodes.put(e.node(), entry);
            step.changes.add(new StateChange.NodeUpserted(record));
        } else if (!entry.record.equals(record)) {
            entry.record = record;
            recomputeFreeGpus(entry, state);
            step.changes.add(new StateChange.NodeUpserted(record));
        }
        entry.connected = true;
        entry.failed = false;
        entry.epoch++;

        for (RunningAllocation r : e.released()) {
            fencePast(r.job(), r.attempt(), step);
        }
        for (EndedAllocation ended : e.ended()) {
            fencePast(ended.job(), ended.attempt(), step);
            allocationEnded(new Event.AllocationEnded(e.at(), e.node(), ended.job(), ended.attempt(),
                    ended.exitCode(), ended.launchError(), ended.nodeFault()), step);
        }
        // What the engine expects here but the agent does not run: it restarted and lost it.
        Set<RunningAllocation> reported = new HashSet<>(e.running());
        for (JobId id : List.copyOf(entry.running)) {
            Job job = state.jobs.get(id);
            if (reported.contains(new RunningAllocation(id, job.attempt()))) {
                if (job.endingAs() != null) {
                    step.effects.add(kill(job, List.of(e.node()), TERMINATE, config.killGrace()));
                }
            } else if (job.batchNode().orElse("").equals(e.node())) {
                gangLost(job, e.node(), "batch script lost on " + e.node() + " (agent restarted)", e.at(), step);
            } else {
                step.effects.add(new Effect.RelaunchOnNode(job, allocatedNodes(job), nodelist(job), e.node()));
            }
        }
        reconcileReport(entry, e.running(), true, step);
        // Exits held back while this node was away stand now that it is back.
        for (Event.AllocationEnded held : List.copyOf(state.deferredExits.values())) {
            Job job = state.jobs.get(held.job());
            if (job.holds(e.node()) && !anyNodeAway(job)) {
                state.deferredExits.remove(held.job());
                allocationEnded(held, step);
            }
        }
        step.cycleNeeded = true;
        return Outcome.applied();
    }

    /**
     * Keeps ids and attempts ahead of anything an agent has seen. Normally a no-op; after a restore
     * from an older backup it stops the engine from reusing a job id or an (id, attempt) pair that
     * agents already ran, which they would take for a duplicate and ignore.
     */
    private void fencePast(JobId id, int attempt, Step step) {
        if (id.value() >= state.nextJobId) {
            state.nextJobId = id.value() + 1;
            step.changes.add(new StateChange.NextJobIdAdvanced(state.nextJobId));
        }
        Job job = state.jobs.get(id);
        if (job != null && job.state() == JobState.PENDING && attempt >= job.attempt()) {
            upsert(job.fencedPast(attempt), step);
        }
    }

    private boolean anyNodeAway(Job job) {
        for (NodeAllocation a : job.allocation()) {
            NodeEntry n = state.nodes.get(a.node());
            if (n == null || !n.connected) {
                return true;
            }
        }
        return false;
    }

    private Outcome heartbeat(Event.NodeHeartbeat e, Step step) {
        NodeEntry entry = state.nodes.get(e.node());
        if (entry != null && entry.connected) {
            reconcileReport(entry, e.running(), false, step);
        }
        return Outcome.applied();
    }

    /**
     * Compares what an agent reports running with what the engine expects on that node: lingering
     * allocations no longer reported are gone (their GPUs free up); reported allocations no job
     * holds here are strays, killed, and keep the node from new work until they are gone.
     *
     * @param registering whether this is a registration (strays already known are killed again)
     */
    private void reconcileReport(NodeEntry entry, List<RunningAllocation> running, boolean registering, Step step) {
        String node = entry.record.name();
        Set<RunningAllocation> reported = new HashSet<>(running);
        for (RunningAllocation gone : List.copyOf(entry.lingering.keySet())) {
            if (!reported.contains(gone)) {
                entry.freeGpus.addAll(entry.lingering.remove(gone));
                step.cycleNeeded = true;
            }
        }
        for (RunningAllocation r : running) {
            fencePast(r.job(), r.attempt(), step);
        }
        // Report order is the agent's; sort so the effects come out in a decided order.
        List<RunningAllocation> strays = new ArrayList<>();
        for (RunningAllocation r : running) {
            Job job = state.jobs.get(r.job());
            boolean expected = job != null && job.attempt() == r.attempt() && job.holds(node);
            boolean known = entry.lingering.containsKey(r);
            if (!expected && (!known || registering)) {
                strays.add(r);
            }
        }
        strays.sort(entry.lingering.comparator());
        for (RunningAllocation r : strays) {
            entry.lingering.putIfAbsent(r, List.of());
            step.effects.add(new Effect.KillJob(r.job(), r.attempt(), List.of(node), KILL_NOW, Duration.ZERO));
        }
    }

    private Outcome disconnect(Event.NodeDisconnected e, Step step) {
        NodeEntry entry = state.nodes.get(e.node());
        if (entry != null && entry.connected) {
            entry.connected = false;
            step.effects.add(new Effect.ScheduleTimer(e.at().plus(config.nodeDownTimeout()),
                    new TimerKey.NodeLostCheck(e.node(), entry.epoch)));
        }
        return Outcome.applied();
    }

    /** A node stayed away past the timeout: it is DOWN, and every gang on it is lost. */
    private void nodeLost(NodeEntry entry, Instant at, Step step) {
        entry.failed = true;
        String node = entry.record.name();
        for (JobId id : List.copyOf(entry.running)) {
            gangLost(state.jobs.get(id), node, "NodeFail", at, step);
        }
        // Whatever lingered there is gone with it; if the agent returns it reports the truth.
        for (List<Integer> held : entry.lingering.values()) {
            entry.freeGpus.addAll(held);
        }
        entry.lingering.clear();
    }

    /**
     * A running job lost part of its gang on {@code lostNode}: no half-gang keeps running. The
     * surviving nodes are told to kill their part (their GPUs stay busy until their agents stop
     * reporting it); the job is requeued with the same id when it allows it and has retries left,
     * else it ends NODE_FAIL (or as a cancel or timeout already under way).
     */
    private void gangLost(Job job, String lostNode, String reason, Instant at, Step step) {
        state.deferredExits.remove(job.id());
        RunningAllocation ref = new RunningAllocation(job.id(), job.attempt());
        List<String> survivors = new ArrayList<>();
        for (NodeAllocation a : job.allocation()) {
            NodeEntry n = state.nodes.get(a.node());
            n.running.remove(job.id());
            if (a.node().equals(lostNode)) {
                n.freeGpus.addAll(a.gpus());
            } else {
                n.lingering.put(ref, a.gpus());
                survivors.add(a.node());
            }
        }
        if (!survivors.isEmpty()) {
            step.effects.add(kill(job, survivors, TERMINATE, config.killGrace()));
        }
        Job next;
        if (job.endingAs() == JobState.PENDING) {
            next = job.requeued(job.reason());
        } else if (job.endingAs() != null) {
            next = job.ended(job.endingAs(), job.reason(), OptionalInt.empty(), at);
        } else if (job.spec().requeue() && job.attempt() <= config.requeueLimit()) {
            next = job.requeued(reason);
        } else {
            String why = job.spec().requeue() ? reason + " (requeued " + (job.attempt() - 1) + " times, the limit)"
                    : reason;
            next = job.ended(JobState.NODE_FAIL, why, OptionalInt.empty(), at);
        }
        upsert(next, step);
        step.cycleNeeded = true;
    }

    private static void recomputeFreeGpus(NodeEntry entry) {
        entry.freeGpus.clear();
        for (Gpu g : entry.record.gpus()) {
            entry.freeGpus.add(g.index());
        }
        for (List<Integer> held : entry.lingering.values()) {
            entry.freeGpus.removeAll(held);
        }
    }

    private void recomputeFreeGpus(NodeEntry entry, ClusterState s) {
        recomputeFreeGpus(entry);
        for (JobId id : entry.running) {
            for (NodeAllocation a : s.jobs.get(id).allocation()) {
                if (a.node().equals(entry.record.name())) {
                    entry.freeGpus.removeAll(a.gpus());
                }
            }
        }
    }

    private Outcome drain(Event.NodeDrainRequested e, Step step) {
        NodeEntry entry = state.nodes.get(e.node());
        if (entry == null) {
            return new Rejected(Rejection.NOT_FOUND, "node '" + e.node() + "' does not exist");
        }
        entry.record = entry.record.withDrain(Optional.of(new Drain(e.reason(), e.by(), e.at())));
        step.changes.add(new StateChange.NodeUpserted(entry.record));
        return Outcome.applied();
    }

    private Outcome resume(Event.NodeResumeRequested e, Step step) {
        NodeEntry entry = state.nodes.get(e.node());
        if (entry == null) {
            return new Rejected(Rejection.NOT_FOUND, "node '" + e.node() + "' does not exist");
        }
        if (entry.drained()) {
            entry.record = entry.record.withDrain(Optional.empty());
            step.changes.add(new StateChange.NodeUpserted(entry.record));
            step.cycleNeeded = true;
        }
        return Outcome.applied();
    }

    // ---- the scheduling cycle ----

    /**
     * One scheduling cycle. A batch of only submissions plans only the new jobs against the standing
     * reservations ({@link #planSubmitted}); anything else re-plans the whole queue ({@link #planAll}).
     */
    private void runCycle(Instant now, Step step, boolean onlySubmissions) {
        if (onlySubmissions && !step.submitted.isEmpty() && state.fairTree != null && planSubmitted(now, step)) {
            return;
        }
        planAll(now, step);
    }

    /**
     * The full cycle: judge every pending job, then walk the queue by priority (highest first, then
     * oldest id). A job over a limit or budget waits with that reason. Otherwise it starts when its
     * gang fits now without delaying any reservation (backfill); the first blocked jobs, up to the
     * configured depth, get a reservation at the earliest time their gang fits, which later jobs may
     * not delay. Time limits bound when running jobs give their GPUs back.
     */
    private void planAll(Instant now, Step step) {
        AvailabilityProfile profile = availability(now);
        state.reservations.clear();
        int n = state.pending.size();
        Job[] pending = new Job[n];
        int i = 0;
        for (JobId id : state.pending) {
            pending[i++] = state.jobs.get(id);
        }
        Judge judge = judge(now, pending);
        java.util.Map<JobId, Priority> priorities = new java.util.HashMap<>(n * 2);
        long[] rank = new long[n];
        for (int k = 0; k < n; k++) {
            Priority p = judge.priority(pending[k]);
            priorities.put(pending[k].id(), p);
            rank[k] = rank(pending[k], p);
        }
        int[] order = byPriority(rank);
        state.newPriorities.clear();
        state.judgement = new ClusterSnapshot.Judgement(now, priorities, judge.tree.rows());
        Tally tally = new Tally(now);
        DependencyCheck deps = new DependencyCheck(state);
        java.util.Map<Long, Integer> runningTasks = null;
        boolean firstBlocked = true;
        for (int k = 0; k < n; k++) {
            Job job = pending[order[k]];
            if (waiting(job, now, deps, step)) {
                continue;
            }
            boolean strictlyBehind = !config.backfill() && !firstBlocked;
            if (isArrayRemainder(job)) {
                if (strictlyBehind) {
                    // A strict queue: nothing passes the first job that could not start.
                    setReason(job, ClusterState.PRIORITY, step);
                    continue;
                }
                if (runningTasks == null) {
                    runningTasks = runningArrayTasks();
                }
                ArrayProgress progress = startArrayTasks(job, now, profile, step, tally, runningTasks);
                if (progress.left() == null) {
                    continue;
                }
                job = progress.left();
                if (progress.reason() != null) {
                    setReason(job, progress.reason(), step);
                    continue;
                }
            } else {
                Optional<String> limited = tally.blocked(job);
                if (limited.isPresent()) {
                    setReason(job, limited.get(), step);
                    continue;
                }
                if (strictlyBehind) {
                    setReason(job, ClusterState.PRIORITY, step);
                    continue;
                }
                if (tryStart(job, now, profile, step)) {
                    tally.add(job);
                    continue;
                }
            }
            if (preempt(job, now, profile, step)) {
                // The victims' GPUs come back after their grace: hold them for this job, whatever
                // the reservation depth, so that no backfill takes them first.
                reserve(job, profile);
                firstBlocked = false;
                setReason(job, "Resources", step);
                continue;
            }
            String reason;
            if (state.reservations.size() < config.reservations()) {
                reason = reserve(job, profile) ? (firstBlocked ? "Resources" : ClusterState.PRIORITY) : "ReqNodeNotAvail";
            } else {
                reason = ClusterState.PRIORITY;
            }
            firstBlocked = false;
            setReason(job, reason, step);
        }
    }

    /**
     * Plans only this step's submissions, judged with the last full cycle's fair-share tree, against
     * the standing reservations: that keeps a submit's cost independent of the queue's length. A new
     * job that cannot start now and outranks a job holding a reservation changes whose turn it is:
     * then this returns false and the caller re-plans everything (starts made so far stand: they
     * delayed no reservation).
     */
    private boolean planSubmitted(Instant now, Step step) {
        boolean strict = !config.backfill();
        if (strict && state.reservations.isEmpty() && state.pending.size() > step.submitted.size()) {
            return false; // older jobs wait without a reservation to compare with: judge the whole queue
        }
        AvailabilityProfile profile = availability(now);
        long lowestReserved = Long.MAX_VALUE;
        long highestReserved = Long.MIN_VALUE;
        for (var r : state.reservations.values()) {
            Job reserved = state.jobs.get(r.job());
            for (String node : r.nodes()) {
                profile.take(node, r.start(), r.start().plus(reserved.spec().timeLimit()),
                        reserved.spec().gpusPerNode());
            }
            Priority p = state.judgement.priorities().get(r.job());
            if (p == null) {
                p = state.newPriorities.get(r.job());
            }
            lowestReserved = Math.min(lowestReserved, p == null ? Long.MIN_VALUE : rank(reserved, p));
            highestReserved = Math.max(highestReserved, p == null ? Long.MAX_VALUE : rank(reserved, p));
        }
        Judge judge = new Judge(state.fairTree, now);
        Tally tally = new Tally(now);
        boolean firstBlocked = state.reservations.isEmpty();
        // Strict queue (no backfill): the rank of the highest blocked job, which no lower job passes.
        boolean blockedHead = !state.reservations.isEmpty();
        long headRank = highestReserved;
        for (JobId id : List.copyOf(step.submitted)) {
            Job job = state.jobs.get(id);
            if (job == null || job.state() != JobState.PENDING) {
                continue;
            }
            if (isArrayRemainder(job)) {
                return false; // arrays start their tasks in a full cycle, which counts their running tasks
            }
            if (waiting(job, now, new DependencyCheck(state), step)) {
                continue;
            }
            Priority p = judge.priority(job);
            state.newPriorities.put(id, p);
            Optional<String> limited = tally.blocked(job);
            if (limited.isPresent()) {
                setReason(job, limited.get(), step);
                continue;
            }
            if (strict && blockedHead) {
                if (rank(job, p) > headRank) {
                    return false; // it goes ahead of the blocked head of the queue: judge the whole queue
                }
                // The head (older, or an earlier job of this batch) is blocked: nothing passes it.
                setReason(job, ClusterState.PRIORITY, step);
                continue;
            }
            if (tryStart(job, now, profile, step)) {
                tally.add(job);
                continue;
            }
            if (strict) {
                blockedHead = true;
                headRank = rank(job, p);
            }
            if (rank(job, p) > lowestReserved || !qosOf(job).preempts().isEmpty()) {
                return false;
            }
            String reason = ClusterState.PRIORITY;
            if (state.reservations.size() < config.reservations()) {
                reason = reserve(job, profile) ? (firstBlocked ? "Resources" : ClusterState.PRIORITY) : "ReqNodeNotAvail";
            }
            firstBlocked = false;
            setReason(job, reason, step);
        }
        return true;
    }

    /** Starts {@code job} if its gang fits now without delaying a reservation. */
    private boolean tryStart(Job job, Instant now, AvailabilityProfile profile, Step step) {
        Optional<List<String>> nodes = fitNow(job, now, profile);
        if (nodes.isEmpty()) {
            return false;
        }
        start(job, nodes.get(), now, profile, step);
        return true;
    }

    /** Where {@code job}'s gang fits now without delaying a reservation, if it does. */
    private Optional<List<String>> fitNow(Job job, Instant now, AvailabilityProfile profile) {
        JobSpec spec = job.spec();
        // Most of a long queue cannot fit now: passed over without looking at any node.
        if (profile.nodesWithFreeNow(spec.gpusPerNode()) < spec.nodes()) {
            return Optional.empty();
        }
        return profile.fit(spec.nodes(), spec.gpusPerNode(), now, spec.timeLimit(), allowed(job, profile));
    }

    /**
     * Whether a pending job must wait for something other than resources: a hold, its begin time,
     * its dependency. Sets the pending reason when it must; a dependency that can never be met
     * cancels the job instead when so configured.
     */
    private boolean waiting(Job job, Instant now, DependencyCheck deps, Step step) {
        JobSpec spec = job.spec();
        if (spec.hold() != dev.rota.core.job.Hold.NONE) {
            setReason(job, spec.hold().reason(), step);
            return true;
        }
        if (spec.begin().isPresent() && spec.begin().get().isAfter(now)) {
            setReason(job, "BeginTime", step);
            return true;
        }
        switch (deps.of(job)) {
            case MET -> {
                return false;
            }
            case WAITING -> setReason(job, "Dependency", step);
            case NEVER -> {
                if (config.cancelUnsatisfiable()) {
                    upsert(job.ended(JobState.CANCELLED, "DependencyNeverSatisfied", OptionalInt.empty(), now), step);
                } else {
                    setReason(job, "DependencyNeverSatisfied", step);
                }
            }
        }
        return true;
    }

    private static boolean isArrayRemainder(Job job) {
        return job.spec().array().map(dev.rota.core.job.JobArray::isRemainder).orElse(false);
    }

    /** Running tasks per array id (a job counted once, on its batch node). */
    private java.util.Map<Long, Integer> runningArrayTasks() {
        java.util.Map<Long, Integer> out = new java.util.HashMap<>();
        for (NodeEntry n : state.nodes.values()) {
            for (JobId id : n.running) {
                Job j = state.jobs.get(id);
                if (j.spec().array().isPresent() && j.batchNode().map(n.record.name()::equals).orElse(false)) {
                    out.merge(j.spec().array().get().arrayJobId(), 1, Integer::sum);
                }
            }
        }
        return out;
    }

    /**
     * What is left of an array after its tasks were started.
     *
     * @param left   the record of the tasks not started, or null when every task started
     * @param reason why the rest waits, or null when the next task does not fit now (resources)
     */
    private record ArrayProgress(Job left, String reason) {
    }

    /**
     * Starts an array's tasks, lowest index first, while they fit now and its throttle and limits
     * allow. Each task starting takes the id of the array's record, and the record of the tasks left
     * moves to the next id, as Slurm's job_array_split does.
     */
    private ArrayProgress startArrayTasks(Job remainder, Instant now, AvailabilityProfile profile, Step step,
            Tally tally, java.util.Map<Long, Integer> running) {
        Job left = remainder;
        while (left != null) {
            dev.rota.core.job.JobArray a = left.spec().array().orElseThrow();
            if (a.throttle() > 0 && running.getOrDefault(a.arrayJobId(), 0) >= a.throttle()) {
                return new ArrayProgress(left, "JobArrayTaskLimit");
            }
            Optional<String> limited = tally.blocked(left);
            if (limited.isPresent()) {
                return new ArrayProgress(left, limited.get());
            }
            Optional<List<String>> nodes = fitNow(left, now, profile);
            if (nodes.isEmpty()) {
                return new ArrayProgress(left, null);
            }
            int index = a.pending().min().getAsInt();
            dev.rota.core.job.ArrayIndexes rest = a.pending().withoutMin();
            // The task keeps the record's id and the tasks still to start move to the next id, as in
            // Slurm: so the first task's SLURM_JOB_ID is the array's id, and ids follow task order.
            Job task = Job.submitted(left.id(), left.spec().withArray(a.task(index)), left.submitTime(),
                    left.masterPort()).fencedPast(left.attempt());
            if (rest.isEmpty()) {
                left = null;
            } else {
                JobId id = JobId.of(state.nextJobId++);
                step.changes.add(new StateChange.NextJobIdAdvanced(state.nextJobId));
                left = Job.submitted(id, left.spec().withArray(a.withPending(rest)), left.submitTime(), port(id))
                        .withReason(left.reason());
                upsert(left, step);
            }
            start(task, nodes.get(), now, profile, step);
            tally.add(task);
            running.merge(a.arrayJobId(), 1, Integer::sum);
        }
        return new ArrayProgress(null, null);
    }

    /**
     * Reserves the earliest place {@code job} fits; false when it fits nowhere at any time (its
     * nodes are down or drained).
     */
    private boolean reserve(Job job, AvailabilityProfile profile) {
        Optional<Reservation> r = earliest(job, profile);
        if (r.isEmpty()) {
            return false;
        }
        for (String node : r.get().nodes()) {
            profile.take(node, r.get().start(), r.get().start().plus(job.spec().timeLimit()), job.spec().gpusPerNode());
        }
        state.reservations.put(job.id(), r.get());
        return true;
    }

    // ---- policy: priority, limits, budgets ----

    /** The multifactor priority of jobs at one moment, with one fair-share tree. */
    private final class Judge {
        final FairTree tree;
        final Instant now;
        final int clusterGpus;
        final long maxQos;

        Judge(FairTree tree, Instant now) {
            this.tree = tree;
            this.now = now;
            int gpus = 0;
            for (NodeEntry n : state.nodes.values()) {
                gpus += n.record.gpus().size();
            }
            this.clusterGpus = gpus;
            this.maxQos = config.policy().maxQosPriority();
        }

        Priority priority(Job job) {
            Policy policy = config.policy();
            Qos qos = qosOf(job);
            // Users the tree did not rank (submitted since it was built) have used nothing it knows of.
            double fairShare = tree.factor(job.spec().account(), job.spec().user(), 1.0);
            return Priority.of(policy.weights(), job.submitTime(), now, fairShare, job.spec().totalGpus(), clusterGpus,
                    qos == null ? 0 : qos.priority(), maxQos);
        }
    }

    /**
     * Positions 0..n-1 ordered by rank, highest first; equal ranks keep their position order (the
     * queue's id order). Sorts packed primitive keys when ranks fit in 40 bits, as they do with any
     * sane weights, and boxed indices otherwise.
     */
    static int[] byPriority(long[] rank) {
        int n = rank.length;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long r : rank) {
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        int[] out = new int[n];
        if (n == 0) {
            return out;
        }
        if (n < (1 << 23) && max - min >= 0 && max - min < (1L << 40)) {
            long[] keys = new long[n];
            for (int k = 0; k < n; k++) {
                keys[k] = ((max - rank[k]) << 23) | k;
            }
            java.util.Arrays.sort(keys);
            for (int k = 0; k < n; k++) {
                out[k] = (int) (keys[k] & ((1 << 23) - 1));
            }
            return out;
        }
        Integer[] idx = new Integer[n];
        for (int k = 0; k < n; k++) {
            idx[k] = k;
        }
        java.util.Arrays.sort(idx, (a, b) -> rank[a] != rank[b] ? Long.compare(rank[b], rank[a]) : Integer.compare(a, b));
        for (int k = 0; k < n; k++) {
            out[k] = idx[k];
        }
        return out;
    }

    /** Judges the queue at {@code now}: usage decayed to now, running jobs' GPU-time included. */
    private Judge judge(Instant now, Job[] pending) {
        Policy policy = config.policy();
        java.util.Map<UsageKey, Double> usage = new java.util.TreeMap<>(); // sorted: FairTree walks its keys
        state.usage.forEach((k, u) -> usage.put(k, u.decayedAt(now, policy.usageHalfLife())));
        for (NodeEntry n : state.nodes.values()) {
            for (JobId id : n.running) {
                Job j = state.jobs.get(id);
                if (j.batchNode().map(n.record.name()::equals).orElse(false)) {
                    usage.merge(new UsageKey(j.spec().account(), j.spec().user()),
                            Usage.running(j.spec().totalGpus(), j.startTime(), now, policy.usageHalfLife()), Double::sum);
                }
            }
        }
        // Distinct (account, user) pairs of the queue, without an object per job.
        java.util.Map<String, Set<String>> usersByAccount = new java.util.HashMap<>();
        for (Job j : pending) {
            Set<String> users = usersByAccount.get(j.spec().account());
            if (users == null) {
                users = new HashSet<>();
                usersByAccount.put(j.spec().account(), users);
            }
            users.add(j.spec().user());
        }
        List<UsageKey> members = new ArrayList<>();
        usersByAccount.forEach((account, users) -> users.forEach(u -> members.add(new UsageKey(account, u))));
        // Sorted, so that nothing downstream can depend on hash order (a few hundred keys, not one per job).
        members.sort(null);
        FairTree tree = FairTree.compute(policy, usage, members);
        state.fairTree = tree;
        return new Judge(tree, now);
    }

    /**
     * What running jobs hold against the limits, and what each account has spent of its budget,
     * at one moment; updated as the cycle starts jobs.
     */
    private final class Tally {
        /** [GPUs, jobs] per account subtree, per (account, user), per QoS, per (QoS, user). */
        final java.util.Map<String, int[]> account = new java.util.HashMap<>();
        final java.util.Map<UsageKey, int[]> accountUser = new java.util.HashMap<>();
        final java.util.Map<String, int[]> qos = new java.util.HashMap<>();
        /** Keyed by (QoS name, user): a UsageKey whose first part names the QoS, not an account. */
        final java.util.Map<UsageKey, int[]> qosUser = new java.util.HashMap<>();
        /** GPU-seconds spent per account subtree, only for accounts on a budgeted lineage. */
        final java.util.Map<String, Double> spent = new java.util.HashMap<>();
        final boolean anyLimits;

        Tally(Instant now) {
            Policy policy = config.policy();
            anyLimits = policy.accounts().values().stream().anyMatch(a -> !a.limits().isNone()
                    || a.gpuHourBudget().isPresent()) || policy.qos().values().stream()
                    .anyMatch(q -> !q.limits().isNone());
            if (!anyLimits) {
                return;
            }
            for (NodeEntry n : state.nodes.values()) {
                for (JobId id : n.running) {
                    Job j = state.jobs.get(id);
                    if (j.batchNode().map(n.record.name()::equals).orElse(false)) {
                        add(j);
                        double seconds = Math.max(0, Duration.between(j.startTime(), now).toNanos() / 1e9);
                        for (String a : lineage(j.spec().account())) {
                            spent.merge(a, j.spec().totalGpus() * seconds, Double::sum);
                        }
                    }
                }
            }
            state.usage.forEach((k, u) -> {
                for (String a : lineage(k.account())) {
                    spent.merge(a, u.total(), Double::sum);
                }
            });
        }

        private List<String> lineage(String account) {
            return config.policy().accounts().containsKey(account) ? config.policy().lineage(account) : List.of();
        }

        void add(Job job) {
            if (!anyLimits) {
                return;
            }
            int gpus = job.spec().totalGpus();
            for (String a : lineage(job.spec().account())) {
                bump(account.computeIfAbsent(a, x -> new int[2]), gpus);
                bump(accountUser.computeIfAbsent(new UsageKey(a, job.spec().user()), x -> new int[2]), gpus);
            }
            String q = qosOf(job);
            bump(qos.computeIfAbsent(q, x -> new int[2]), gpus);
            bump(qosUser.computeIfAbsent(new UsageKey(q, job.spec().user()), x -> new int[2]), gpus);
        }

        private static void bump(int[] c, int gpus) {
            c[0] += gpus;
            c[1]++;
        }

        private String qosOf(Job job) {
            return job.spec().qos().isEmpty() ? config.policy().defaultQos() : job.spec().qos();
        }

        /** The pending reason that keeps {@code job} from starting now, if a limit or budget does. */
        Optional<String> blocked(Job job) {
            Policy policy = config.policy();
            if (!policy.anyAccount() && !index.accounts().containsKey(job.spec().account())) {
                return Optional.of("InvalidAccount"); // removed from the policy after it was queued
            }
            if (!index.partitions().containsKey(job.spec().partition())) {
                return Optional.of("InvalidPartition"); // likewise
            }
            if (!anyLimits) {
                return Optional.empty();
            }
            int gpus = job.spec().totalGpus();
            String user = job.spec().user();
            for (String a : lineage(job.spec().account())) {
                Account acc = policy.accounts().get(a);
                Optional<String> over = over(acc.limits(), account.get(a), accountUser.get(new UsageKey(a, user)), gpus,
                        "Account");
                if (over.isPresent()) {
                    return over;
                }
                if (acc.gpuHourBudget().isPresent()
                        && spent.getOrDefault(a, 0.0) >= acc.gpuHourBudget().getAsDouble() * 3600) {
                    return Optional.of("AccountBudgetExhausted");
                }
            }
            String q = qosOf(job);
            Qos level = index.qos().get(q);
            return level == null ? Optional.empty()
                    : over(level.limits(), qos.get(q), qosUser.get(new UsageKey(q, user)), gpus, "Qos");
        }

        private static Optional<String> over(Limits limits, int[] all, int[] mine, int gpus, String scope) {
            int[] a = all == null ? new int[2] : all;
            int[] m = mine == null ? new int[2] : mine;
            if (limits.maxGpus().isPresent() && a[0] + gpus > limits.maxGpus().getAsInt()) {
                return Optional.of(scope + "GpuLimit");
            }
            if (limits.maxRunningJobs().isPresent() && a[1] + 1 > limits.maxRunningJobs().getAsInt()) {
                return Optional.of(scope + "JobLimit");
            }
            if (limits.maxGpusPerUser().isPresent() && m[0] + gpus > limits.maxGpusPerUser().getAsInt()) {
                return Optional.of(scope + "MaxGpusPerUser");
            }
            if (limits.maxRunningJobsPerUser().isPresent() && m[1] + 1 > limits.maxRunningJobsPerUser().getAsInt()) {
                return Optional.of(scope + "MaxJobsPerUser");
            }
            return Optional.empty();
        }
    }

    /** Free GPUs per schedulable node now and as running jobs' time limits end. */
    private AvailabilityProfile availability(Instant now) {
        AvailabilityProfile profile = new AvailabilityProfile(now, config.topology());
        for (NodeEntry n : state.nodes.values()) {
            if (!n.schedulable()) {
                continue;
            }
            profile.node(n.record.name(), n.freeGpus.size());
        }
        for (NodeEntry n : state.nodes.values()) {
            if (!n.schedulable()) {
                continue;
            }
            for (List<Integer> held : n.lingering.values()) {
                // Lingering processes are being killed: assume they are gone after the grace.
                profile.release(n.record.name(), now.plus(config.killGrace()), held.size());
            }
        }
        for (NodeEntry n : state.nodes.values()) {
            if (!n.schedulable()) {
                continue;
            }
            for (JobId id : n.running) {
                Job job = state.jobs.get(id);
                Instant end = releaseTime(job, now);
                for (NodeAllocation a : job.allocation()) {
                    if (a.node().equals(n.record.name())) {
                        profile.release(a.node(), end, a.gpus().size());
                    }
                }
            }
        }
        return profile;
    }

    /** The nodes of the job's partition in the profile; null when that is every node. */
    private java.util.BitSet allowed(Job job, AvailabilityProfile profile) {
        dev.rota.core.policy.Partition p = index.partitions().get(job.spec().partition());
        return p == null || p.allNodes() ? null : profile.allowed(p.name(), p::contains);
    }

    /**
     * The job's place in the queue, highest first: its partition tier (Slurm's PriorityTier), then
     * its priority, or with {@link EngineConfig.QueueOrder#SHORTEST_LIMIT} its time limit, shorter higher.
     */
    private long rank(Job job, Priority p) {
        dev.rota.core.policy.Partition partition = index.partitions().get(job.spec().partition());
        long tier = (long) (partition == null ? 0 : partition.tier()) << 40;
        if (config.queueOrder() == EngineConfig.QueueOrder.SHORTEST_LIMIT) {
            long cap = (1L << 40) - 1;
            return tier + cap - Math.min(cap, job.spec().timeLimit().toSeconds());
        }
        return tier + p.priority();
    }

    /** When a running job gives its GPUs back at the latest, as the profile assumes. */
    private Instant releaseTime(Job job, Instant now) {
        Instant end = job.startTime().plus(job.spec().timeLimit());
        if (job.endingAs() != null || !end.isAfter(now)) {
            // Being killed, or over its limit and about to be: gone after the grace.
            end = now.plus(config.killGrace());
        }
        return end;
    }

    private Qos qosOf(Job job) {
        Qos q = job.spec().qos().isEmpty() ? null : index.qos().get(job.spec().qos());
        return q != null ? q : index.defaultQos();
    }

    /**
     * Preemption: when a blocked job's QoS may preempt others, frees a placeable node set for it by
     * stopping running jobs of those QoS levels that have run at least their QoS's minimum run time,
     * choosing the nodes whose victims lose the least work (GPU-seconds since they started). Victims
     * get TERM, then KILL after their QoS's grace, and are requeued (or end CANCELLED, per their
     * QoS). Does nothing when the job would start within the grace anyway, for instance because
     * victims chosen in an earlier cycle are still stopping.
     *
     * @return whether victims were chosen
     */
    private boolean preempt(Job job, Instant now, AvailabilityProfile profile, Step step) {
        Qos qos = qosOf(job);
        if (qos.preempts().isEmpty()) {
            return false;
        }
        JobSpec spec = job.spec();
        Duration longestGrace = Duration.ZERO;
        for (String q : qos.preempts()) {
            Qos victimQos = config.policy().qos().get(q);
            if (victimQos != null && victimQos.graceTime().compareTo(longestGrace) > 0) {
                longestGrace = victimQos.graceTime();
            }
        }
        Instant soon = now.plus(longestGrace).plus(config.killGrace());
        Optional<Reservation> anyway = earliest(job, profile);
        if (anyway.isPresent() && !anyway.get().start().isAfter(soon)) {
            return false;
        }
        record NodeChoice(String node, List<Job> victims, double cost) {
        }
        List<NodeChoice> choices = new ArrayList<>();
        dev.rota.core.policy.Partition partition = config.policy().partitions().get(spec.partition());
        for (NodeEntry n : state.nodes.values()) {
            if (!n.schedulable() || n.record.gpus().size() < spec.gpusPerNode()
                    || (partition != null && !partition.contains(n.record.name()))) {
                continue;
            }
            String name = n.record.name();
            int free = profile.minFree(name, now, soon.plus(spec.timeLimit()));
            List<Job> candidates = new ArrayList<>();
            for (JobId id : n.running) {
                Job r = state.jobs.get(id);
                Qos rq = qosOf(r);
                if (r.endingAs() == null && qos.preempts().contains(rq.name())
                        && !Duration.between(r.startTime(), now).minus(rq.minRunTime()).isNegative()) {
                    candidates.add(r);
                }
            }
            candidates.sort(java.util.Comparator.comparingDouble((Job r) -> workLost(r, now)).thenComparing(Job::id));
            List<Job> chosen = new ArrayList<>();
            double cost = 0;
            for (Job r : candidates) {
                if (free >= spec.gpusPerNode()) {
                    break;
                }
                chosen.add(r);
                cost += workLost(r, now);
                for (NodeAllocation a : r.allocation()) {
                    if (a.node().equals(name)) {
                        free += a.gpus().size();
                    }
                }
            }
            if (free >= spec.gpusPerNode()) {
                choices.add(new NodeChoice(name, chosen, cost));
            }
        }
        if (choices.size() < spec.nodes()) {
            return false;
        }
        choices.sort(java.util.Comparator.comparingDouble(NodeChoice::cost));
        java.util.Map<JobId, Job> victims = new java.util.TreeMap<>();
        for (NodeChoice c : choices.subList(0, spec.nodes())) {
            c.victims().forEach(v -> victims.put(v.id(), v));
        }
        if (victims.isEmpty()) {
            return false; // it fits without anyone stopping; backfill rules decide, not preemption
        }
        for (Job v : victims.values()) {
            Qos vq = qosOf(v);
            Instant oldEnd = releaseTime(v, now);
            Job stopping = v.ending(vq.preemptMode() == Qos.PreemptMode.CANCEL ? JobState.CANCELLED : JobState.PENDING,
                    "Preempted by job " + job.id());
            upsert(stopping, step);
            step.effects.add(kill(stopping, nodesOf(stopping), TERMINATE, vq.graceTime()));
            Instant gone = now.plus(vq.graceTime()).plus(config.killGrace());
            for (NodeAllocation a : v.allocation()) {
                profile.release(a.node(), gone, a.gpus().size());
                profile.release(a.node(), oldEnd, -a.gpus().size());
            }
        }
        return true;
    }

    /** The work a running job would lose if stopped now: its GPU-seconds since it started. */
    private static double workLost(Job job, Instant now) {
        return job.spec().totalGpus() * (double) Math.max(0, Duration.between(job.startTime(), now).toSeconds());
    }

    /** The earliest reservation for a blocked job: the first time enough nodes keep its GPUs free for its limit. */
    private Optional<Reservation> earliest(Job job, AvailabilityProfile profile) {
        JobSpec spec = job.spec();
        return profile.earliest(spec.nodes(), spec.gpusPerNode(), spec.timeLimit(), MAX_RESERVATION_CANDIDATES,
                allowed(job, profile))
                .map(start -> new Reservation(job.id(), start.at(), start.nodes()));
    }

    /** Starts a job on {@code nodes}, taking each node's lowest free GPU indices. */
    private void start(Job job, List<String> nodes, Instant now, AvailabilityProfile profile, Step step) {
        int gpus = job.spec().gpusPerNode();
        List<NodeAllocation> allocation = new ArrayList<>(nodes.size());
        for (String node : nodes) {
            var entry = state.nodes.get(node);
            allocation.add(new NodeAllocation(node, GpuChoice.choose(entry.record.gpus(), entry.freeGpus, gpus)));
            profile.take(node, now, now.plus(job.spec().timeLimit()), gpus);
        }
        Job started = job.started(allocation, now);
        state.hold(started);
        upsert(started, step);
        step.effects.add(new Effect.LaunchJob(started, allocatedNodes(started), nodelist(started)));
        step.effects.add(timeLimitTimer(started));
    }

    private void setReason(Job job, String reason, Step step) {
        if (!job.reason().equals(reason)) {
            upsert(job.withReason(reason), step);
        }
    }

    // ---- helpers ----

    private void upsert(Job job, Step step) {
        Job previous = state.jobs.get(job.id());
        state.put(job);
        step.changes.add(new StateChange.JobUpserted(job));
        if (previous != null && previous.state() == JobState.RUNNING && job.state() != JobState.RUNNING) {
            charge(previous, step);
        }
    }

    /** Charges the GPUs a job held from its start until now to its user in its account. */
    private void charge(Job ran, Step step) {
        UsageKey key = new UsageKey(ran.spec().account(), ran.spec().user());
        Usage before = state.usage.getOrDefault(key, Usage.NONE);
        Instant end = step.now.isBefore(before.asOf()) ? before.asOf() : step.now;
        Usage after = before.charge(ran.spec().totalGpus(), ran.startTime(), end, config.policy().usageHalfLife());
        state.usage.put(key, after);
        step.changes.add(new StateChange.UsageCharged(key, after));
    }

    private Effect.ScheduleTimer timeLimitTimer(Job job) {
        return new Effect.ScheduleTimer(job.startTime().plus(job.spec().timeLimit()),
                new TimerKey.TimeLimit(job.id(), job.attempt()));
    }

    private static Effect.KillJob kill(Job job, List<String> nodes, String signal, Duration grace) {
        return new Effect.KillJob(job.id(), job.attempt(), nodes, signal, grace);
    }

    private static List<String> nodesOf(Job job) {
        return job.allocation().stream().map(NodeAllocation::node).toList();
    }

    private static String nodelist(Job job) {
        return Hostlist.compress(nodesOf(job));
    }

    private List<AllocatedNode> allocatedNodes(Job job) {
        List<AllocatedNode> out = new ArrayList<>();
        for (NodeAllocation a : job.allocation()) {
            NodeEntry n = state.nodes.get(a.node());
            out.add(new AllocatedNode(a.node(), n == null ? "" : n.record.address(), a.gpus()));
        }
        return out;
    }
}
