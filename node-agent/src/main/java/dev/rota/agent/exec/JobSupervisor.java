package dev.rota.agent.exec;

import dev.rota.logging.LogFields;
import dev.rota.agent.env.TaskEnvironment;
import dev.rota.agent.v1.AllocatedNode;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.AllocationRef;
import dev.rota.agent.v1.KillJob;
import dev.rota.agent.v1.LaunchJob;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs this node's share of allocations: records every allocation the daemon launches here, runs
 * the batch script where this node is the batch host, starts srun tasks, and kills all of it.
 *
 * <p><b>Threading.</b> Thread-safe: gRPC threads call {@link #launch}, {@link #kill} and
 * {@link #startTask} concurrently. One lock guards the allocation table; no listener and no wait
 * runs under it. Listeners, process-exit handling, KILL-after-grace timers and the periodic sweep
 * that records each allocation's process tree run on one supervisor thread, in order.
 *
 * <p><b>Lifecycle of an allocation on this node.</b> {@code launch} records it (RUNNING; the batch
 * host also starts the script). When the batch script exits, or could not be started, listeners
 * get an {@link AllocationEnded} and the allocation becomes ENDED: no new tasks, listed by
 * {@link #ended()} until released. A {@code KillJob} signals every process of the allocation; it
 * <em>releases</em> (forgets) the allocation at once unless a batch script is still running here,
 * in which case the allocation stays (KILLING) until the script exits and is reported, and the
 * daemon's next KillJob releases it. This matches rotad, which ends a cancelled job only when the
 * batch host reports the script's end and then releases every node with a KILL.
 *
 * <p><b>Idempotency.</b> A repeated launch of a known or recently released (job, attempt) is
 * ignored; a kill of an unknown allocation does nothing.
 *
 * <p><b>rota-stepd.</b> Each batch script runs under {@code rota-stepd} (a bash script shipped as a
 * resource and written into the job's directory), like Slurm's slurmstepd: started under setsid, it
 * starts the script in a session of its own, records its pid ({@code job.pid}) and, atomically, its
 * exit status ({@code exit-status}) in {@code <spool>/job-<id>.<attempt>/}, beside the launch record
 * ({@code launch.pb}) and its own pid ({@code stepd.pid}). It outlives the agent: a supervisor
 * constructed on the same spool re-adopts every job found there whose rota-stepd still runs, and
 * reports those that ended meanwhile. Kills spare rota-stepd, so that it can record the exit.
 *
 * <p>Whom jobs run as, their cgroups and the admin prolog and epilog follow {@link ExecutionSettings}.
 * As the agent's user, the batch script's environment is the agent's {@code PATH},
 * {@code HOME}, {@code USER}, {@code LOGNAME}, {@code LANG}, {@code TZ} and {@code TMPDIR}, then the
 * submitter's environment, then {@link TaskEnvironment#batch}; {@code PATH} starts with the job's
 * {@code bin} directory holding {@code srun} and {@code scontrol}. Files live in
 * {@code <spool>/job-<id>.<attempt>/} and are deleted on release.
 */
public final class JobSupervisor implements AutoCloseable {

    /** Grace between TERM and KILL when {@link #close()} kills every job. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(3);
    /** How often each allocation's process tree is recorded, so that re-parented processes are still known. */
    static final Duration SWEEP = Duration.ofSeconds(2);

    private static final Logger LOG = Logger.getLogger(JobSupervisor.class.getName());
    private static final int RELEASED_REMEMBERED = 4096;
    private static final int OUTPUTS_REMEMBERED = 4096;
    private static final List<String> AGENT_VARS = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR");
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    static final String SETSID = firstExecutable("/usr/bin/setsid", "/bin/setsid", "setsid");
    private static final String BASH = firstExecutable("/bin/bash", "/usr/bin/bash", "bash");
    private static final String SETPRIV = firstExecutable("/usr/bin/setpriv", "/bin/setpriv", "setpriv");
    /**
     * Run as the job's user: opens stdout ($1) and stderr ($2, or stdout when empty) as that user, so
     * that the agent never creates a file where the user names it, then runs the script.
     */
    private static final String OPEN_AND_RUN = "exec >\"$1\" || exit 125; if [ -n \"$2\" ]; then exec 2>\"$2\" || exit 125; "
            + "else exec 2>&1; fi; shift 2; exec " + BASH + " \"$@\"";
    /** Files of a batch job's directory that rota-stepd and the agent keep, for re-adoption. */
    static final String STEPD = "stepd";
    static final String STEPD_PID = "stepd.pid";
    static final String JOB_PID = "job.pid";
    static final String EXIT_STATUS = "exit-status";
    static final String LAUNCH = "launch.pb";
    static final String STARTED = "started-ms";
    private static final String STEPD_TEXT = stepdText();
    /** The agent's effective uid ({@code /proc/self} belongs to it); -1 where that cannot be read. */
    public static final long AGENT_UID = agentUid();
    private static final File DEV_NULL = new File("/dev/null");

    private enum Phase { RUNNING, KILLING, ENDED }

    /** One allocation on this node; all fields guarded by the supervisor's lock. */
    private static final class Allocation {
        final AllocationId id;
        /** Null for an exit remembered from the journal: its processes are gone and its launch unknown. */
        final LaunchJob launch;
        final int nodeIndex;
        Phase phase = Phase.RUNNING;
        Process batch;
        AllocationEnded ended;
        Path spool;
        final Set<RunningTask> tasks = new HashSet<>();
        final Set<ProcessHandle> seen = new HashSet<>();
        /** The pid of its rota-stepd (the batch script's supervisor), or 0 where there is none. */
        long stepdPid;
        /** Whether it was re-adopted from the spool after an agent restart (no {@link #batch} Process then). */
        boolean adopted;
        /** Its cgroup on this node, or null (no cgroups, or not made yet). */
        Path cgroup;
        /** Whom its processes run as; null for the agent's own user. */
        PosixUser user;
        /** Why its tasks cannot run here (the user could not be resolved), or null. */
        String userError;
        /** Whether the admin prolog is still running for it here (the work has not started). */
        boolean inProlog;
        /** What its GPUs here draw, or null when it holds none here. */
        dev.rota.agent.energy.EnergyAccount energy;
        /** When it ENDED here ({@link System#nanoTime()}), where it did. */
        long endedAtNanos;
        /** The pending {@code --signal} warning, if any. */
        java.util.concurrent.ScheduledFuture<?> warning;

        Allocation(AllocationId id, LaunchJob launch, int nodeIndex) {
            this.id = id;
            this.launch = launch;
            this.nodeIndex = nodeIndex;
            if (launch != null && nodeIndex >= 0 && launch.getNodes(nodeIndex).getGpuIndicesCount() > 0) {
                energy = new dev.rota.agent.energy.EnergyAccount(Set.copyOf(launch.getNodes(nodeIndex).getGpuIndicesList()));
            }
        }
    }

    private static final class LaunchFailure extends Exception {
        LaunchFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final String nodeName;
    private final Path spoolDir;
    private final ScheduledExecutorService timer;
    /** {@link #timer} for one-off work; drops work once the supervisor is closed. */
    private final Executor events;
    private final List<Consumer<AllocationEnded>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> drainListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<dev.rota.agent.v1.AllocationEnergy>> energyListeners = new CopyOnWriteArrayList<>();
    private final ExecutionSettings settings;
    /** Per-job cgroups, or null when limits are not enforced ({@link #limitsNotEnforcedBecause}). */
    private final JobCgroups cgroups;
    private final String limitsNotEnforcedBecause;
    /** Runs prologs and epilogs, which may take long, off the supervisor thread. */
    private final java.util.concurrent.ExecutorService adminScripts;
    private final Map<AllocationId, Allocation> allocations = new LinkedHashMap<>();
    private final Set<AllocationId> released = new LinkedHashSet<>();
    /** Output files of the batch scripts this node ran, latest attempt per job id, the most recent {@value #OUTPUTS_REMEMBERED}. */
    private final Map<Long, OutputFiles> outputs = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, OutputFiles> eldest) {
            return size() > OUTPUTS_REMEMBERED;
        }
    };
    private final EndedJournal journal;
    /** Serialises journal writes, so an older state never overwrites a newer one. Taken before {@code this}. */
    private final Object journalLock = new Object();
    private boolean closed;

    /**
     * @param nodeName this node's name, as the daemon names it in {@code LaunchJob.nodes}
     * @param spoolDir where job scripts and the agent's journal ({@link EndedJournal}) are written;
     *                 created on first use. Exits and releases journalled there by an earlier agent
     *                 are remembered: {@link #ended()} lists those exits until the daemon releases them.
     * @throws java.io.UncheckedIOException when the journal exists but cannot be read, or was
     *                 written by a newer agent
     */
    public JobSupervisor(String nodeName, Path spoolDir) {
        this(nodeName, spoolDir, ExecutionSettings.DEFAULTS);
    }

    /**
     * As {@link #JobSupervisor(String, Path)}, running jobs as {@code settings} say (prolog, epilog).
     */
    public JobSupervisor(String nodeName, Path spoolDir, ExecutionSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.adminScripts = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread th = new Thread(r, "rota-prolog-epilog-" + nodeName);
            th.setDaemon(true);
            return th;
        });
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.spoolDir = Objects.requireNonNull(spoolDir, "spoolDir");
        this.journal = new EndedJournal(spoolDir);
        EndedJournal.Contents remembered;
        try {
            remembered = journal.read();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
        for (AllocationEnded e : remembered.ended()) {
            Allocation a = new Allocation(AllocationId.of(e.getAllocation()), null, -1);
            a.phase = Phase.ENDED;
            a.ended = e;
            allocations.put(a.id, a);
        }
        remembered.released().forEach(r -> released.add(AllocationId.of(r)));
        if (!remembered.ended().isEmpty()) {
            LOG.info(nodeName + ": remembered " + remembered.ended().size()
                    + " job exits not yet released by rotad, from " + journal.file());
        }
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "rota-supervisor-" + nodeName);
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.events = r -> {
            try {
                timer.execute(r);
            } catch (RejectedExecutionException e) {
                LOG.fine(() -> nodeName + ": supervisor closed; dropping an event");
            }
        };
        timer.scheduleWithFixedDelay(this::sweep, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        JobCgroups found = null;
        String why;
        if (settings.cgroups().isEmpty()) {
            why = "no cgroups configured";
        } else {
            ExecutionSettings.Cgroups c = settings.cgroups().get();
            switch (JobCgroups.detect(c.root(), c.parent())) {
                case JobCgroups.Detection.Enforcing e -> {
                    found = e.cgroups();
                    why = "";
                }
                case JobCgroups.Detection.NotEnforcing n -> why = n.why();
            }
        }
        this.cgroups = found;
        this.limitsNotEnforcedBecause = why;
        if (found != null) {
            LOG.info(nodeName + ": jobs run in their own cgroups under " + found.parent()
                    + " (--mem as memory.max, --cpus-per-task as cpuset.cpus)");
        } else if (settings.cgroups().isPresent()) {
            LOG.warning(nodeName + ": --mem and --cpus-per-task are not enforced: " + why);
        }
        adopt();
        if (settings.runAs() == RunAs.SUBMITTER) {
            LOG.info(nodeName + ": jobs run as the users who submitted them" + (settings.allowRootJobs() ? ""
                    : "; jobs of root are refused (--allow-root-jobs allows them)"));
        } else if (AGENT_UID != 0) {
            LOG.info(nodeName + ": this agent is not root (uid " + AGENT_UID + "): every job runs as "
                    + System.getProperty("user.name") + ", whoever submitted it");
        } else {
            LOG.info(nodeName + ": every job runs as root, the agent's own user"
                    + (settings.allowRootJobs() ? "" : "; without --allow-root-jobs every job is refused"));
        }
    }

    public String nodeName() {
        return nodeName;
    }

    /** Whether jobs get cgroups here, so that {@code --mem} and {@code --cpus-per-task} hold. */
    public boolean limitsEnforced() {
        return cgroups != null;
    }

    /** Why {@link #limitsEnforced()} is false; empty when it is true. */
    public String limitsNotEnforcedBecause() {
        return limitsNotEnforcedBecause;
    }

    /**
     * The output files of job {@code jobId}'s batch script, if this node ran it (the latest attempt,
     * among the most recent few thousand jobs since this agent started).
     */
    public synchronized java.util.Optional<OutputFiles> outputFiles(long jobId) {
        return java.util.Optional.ofNullable(outputs.get(jobId));
    }

    /**
     * Adds a listener for ended batch scripts. Called on the supervisor thread, one report at a
     * time, never under the supervisor's lock; it must not block for long.
     */
    public void addListener(Consumer<AllocationEnded> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Adds a listener for the energy each allocation's GPUs drew here, told once when the allocation
     * is released, if any of its GPUs had a power reading. Called on the releasing thread, never
     * under the supervisor's lock.
     */
    public void addEnergyListener(Consumer<dev.rota.agent.v1.AllocationEnergy> listener) {
        energyListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * A GPU power sample (from a health poll): added to every allocation that holds GPUs here and has
     * not ended. Any thread.
     */
    public synchronized void powerSample(dev.rota.agent.energy.PowerSample sample) {
        for (Allocation a : allocations.values()) {
            if (a.energy != null && a.phase != Phase.ENDED) {
                a.energy.add(sample);
            }
        }
    }

    /**
     * Adds a listener for faults of this node that are no job's doing (a failed epilog): the drain
     * reason. Called on a prolog/epilog thread, never under the supervisor's lock.
     */
    public void addDrainListener(Consumer<String> listener) {
        drainListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Records the allocation and, where this node is the batch host, starts its script. Returns once
     * the script is started (or failed to start, which is reported to the listeners as an
     * {@link AllocationEnded} with {@code launch_error}). With an admin prolog, returns at once and
     * runs the prolog first on another thread; a failed prolog is reported as an
     * {@link AllocationEnded} with {@code node_fault} (from any node of the allocation). Idempotent
     * per (job, attempt).
     */
    public void launch(LaunchJob launch) {
        AllocationId id = AllocationId.of(launch.getAllocation());
        Allocation a;
        synchronized (this) {
            if (closed || allocations.containsKey(id) || released.contains(id)) {
                LOG.fine(() -> nodeName + ": ignoring repeated launch of job " + id);
                return;
            }
            a = new Allocation(id, launch, indexOf(launch, nodeName));
            allocations.put(id, a);
            if (!launch.getBatchHost() && a.nodeIndex < 0) {
                LOG.warning(nodeName + ": job " + id + " is not allocated on this node; refusing its tasks");
                return;
            }
            a.inProlog = settings.prolog().isPresent() && a.nodeIndex >= 0;
        }
        if (a.inProlog) {
            try {
                adminScripts.execute(() -> prolog(a));
            } catch (RejectedExecutionException e) {
                LOG.fine(() -> nodeName + ": supervisor closed; job " + id + " not started");
            }
            return;
        }
        begin(a);
    }

    /** On a prolog thread: runs the prolog, then starts the work or reports the node fault. */
    private void prolog(Allocation a) {
        AdminScript prolog = settings.prolog().orElseThrow();
        Optional<String> fault = prolog.run(a.launch, nodeName, Optional.empty());
        if (fault.isEmpty()) {
            begin(a);
            return;
        }
        AllocationEnded report = null;
        synchronized (this) {
            if (allocations.get(a.id) == a && a.phase == Phase.RUNNING) {
                a.inProlog = false;
                a.phase = Phase.ENDED;
                a.endedAtNanos = System.nanoTime();
                a.ended = AllocationEnded.newBuilder().setAllocation(a.id.toProto()).setExitCode(1)
                        .setLaunchError(fault.get()).setNodeFault(fault.get()).build();
                report = a.ended;
            }
        }
        if (report != null) {
            LogFields.job(a.id.jobId()).withNode(nodeName).log(LOG, Level.WARNING,
                    nodeName + ": job " + a.id + " not started: " + fault.get() + "; the node asks to be drained");
            persist();
            AllocationEnded r = report;
            events.execute(() -> notifyListeners(r));
        }
    }

    /**
     * Starts the allocation's work on this node, after the prolog if there is one: the batch script
     * on the batch host, and the {@code --signal} warning. Does nothing if it was killed meanwhile.
     */
    private void begin(Allocation a) {
        AllocationId id = a.id;
        AllocationEnded failure = null;
        synchronized (this) {
            if (closed || allocations.get(id) != a || a.phase != Phase.RUNNING) {
                return;
            }
            a.inProlog = false;
            if (!a.launch.getBatchHost()) {
                try {
                    a.user = jobUser(a.launch);
                    makeCgroup(a);
                } catch (LaunchFailure e) {
                    a.userError = e.getMessage();
                    LOG.warning(nodeName + ": job " + id + ": " + e.getMessage() + "; its tasks cannot run here");
                }
                scheduleWarning(a);
                return;
            }
            try {
                startBatch(a);
                scheduleWarning(a);
            } catch (LaunchFailure e) {
                a.phase = Phase.ENDED;
                a.endedAtNanos = System.nanoTime();
                a.ended = AllocationEnded.newBuilder().setAllocation(id.toProto()).setExitCode(1)
                        .setLaunchError(e.getMessage()).build();
                failure = a.ended;
            }
        }
        if (failure != null) {
            LogFields.job(id.jobId()).withNode(nodeName).log(LOG, Level.WARNING,
                    nodeName + ": job " + id + " failed to launch: " + failure.getLaunchError());
            persist();
            AllocationEnded report = failure;
            events.execute(() -> notifyListeners(report));
            return;
        }
        LogFields.job(id.jobId()).withNode(nodeName).log(LOG, Level.INFO,
                nodeName + ": job " + id + " started, batch pid " + a.batch.pid());
        a.batch.onExit().whenCompleteAsync((p, t) -> batchExited(a, p.exitValue()), events);
    }

    /**
     * Sends {@code kill.signal} (TERM when empty) to every process of the allocation on this node,
     * and KILL to whatever is left after {@code kill.grace} (0 when unset). Releases the allocation
     * unless its batch script is still running (see the class comment). Does not block for the
     * grace: the future completes when no process of the allocation is left, or exceptionally if
     * some survive KILL. Idempotent: an unknown allocation gives a completed future.
     */
    public CompletableFuture<Void> kill(KillJob kill) {
        AllocationId id = AllocationId.of(kill.getAllocation());
        String signal;
        try {
            signal = Signals.normalize(kill.getSignal());
        } catch (IllegalArgumentException e) {
            LOG.warning(nodeName + ": " + e.getMessage() + " in kill of job " + id + "; sending TERM");
            signal = "TERM";
        }
        Duration grace = Duration.ofSeconds(kill.getGrace().getSeconds(), kill.getGrace().getNanos());
        Termination.Targets targets = null;
        Path spool = null;
        boolean releasedNow = false;
        Allocation epilogFor = null;
        Allocation releasedAllocation = null;
        synchronized (this) {
            Allocation a = allocations.get(id);
            if (a == null) {
                return CompletableFuture.completedFuture(null);
            }
            if (a.launch == null) {
                // An exit remembered from the journal: nothing of it runs; forget it and its old files.
                release(a);
                releasedNow = true;
                spool = spoolDir.resolve("job-" + a.id);
            } else {
                targets = targetsOf(a);
                if ((a.batch != null || a.adopted) && a.phase != Phase.ENDED) {
                    a.phase = Phase.KILLING;
                } else {
                    release(a);
                    releasedNow = true;
                    releasedAllocation = a;
                    spool = a.spool;
                    if (a.nodeIndex >= 0 && settings.epilog().isPresent()) {
                        epilogFor = a;
                    }
                }
            }
        }
        if (releasedNow) {
            persist();
        }
        Allocation measured = releasedAllocation;
        if (measured != null && measured.energy != null) {
            reportEnergy(measured);
        }
        if (targets == null) {
            deleteTree(spool);
            return CompletableFuture.completedFuture(null);
        }
        LogFields.job(id.jobId()).withNode(nodeName).log(LOG, Level.INFO,
                nodeName + ": killing job " + id + " with " + signal + ", grace " + grace.toMillis() + " ms");
        CompletableFuture<Void> done = startTermination(targets, signal, grace, "job " + id);
        if (releasedNow) {
            Allocation gone = releasedAllocation;
            done = done.whenComplete((v, t) -> dropCgroup(gone));
        }
        if (epilogFor != null) {
            Allocation a = epilogFor;
            // Once the job's processes here are gone; off the supervisor thread, as it may take long.
            done.whenComplete((v, t) -> {
                try {
                    adminScripts.execute(() -> epilog(a));
                } catch (RejectedExecutionException e) {
                    LOG.fine(() -> nodeName + ": supervisor closed; no epilog for job " + a.id);
                }
            });
        }
        if (spool != null) {
            Path dir = spool;
            // Chained, so the returned future completes only once the files are gone too.
            return done.whenComplete((v, t) -> deleteTree(dir));
        }
        return done;
    }

    /** Allocations on this node that have not ended: for Register and Heartbeat. Ordered by job, attempt. */
    public synchronized List<AllocationRef> running() {
        return allocations.values().stream().filter(a -> a.phase != Phase.ENDED)
                .map(a -> a.id).sorted().map(AllocationId::toProto).toList();
    }

    /** Batch scripts that ended here and whose release has not arrived: for Register. Ordered by job, attempt. */
    public synchronized List<AllocationEnded> ended() {
        return allocations.values().stream().filter(a -> a.phase == Phase.ENDED)
                .sorted(Comparator.comparing(a -> a.id)).map(a -> a.ended).toList();
    }

    /** Recently released allocations, whose launches this supervisor ignores: for Register. Ordered. */
    public synchronized List<AllocationRef> released() {
        return released.stream().sorted().map(AllocationId::toProto).toList();
    }

    /** Whether srun tasks of {@code jobId} may start on this node now. */
    public boolean stepsAllowed(long jobId) {
        return stepGrant(jobId).isPresent();
    }

    /**
     * The running allocation of {@code jobId} on this node (the newest attempt if, briefly, there are
     * two), or empty when the job holds none here, has ended or is being killed.
     */
    public synchronized Optional<StepGrant> stepGrant(long jobId) {
        return allocations.values().stream()
                .filter(a -> a.id.jobId() == jobId && a.phase == Phase.RUNNING && a.nodeIndex >= 0)
                .max(Comparator.comparing(a -> a.id))
                .map(a -> new StepGrant(a.id, a.launch, a.nodeIndex));
    }

    /**
     * Starts one srun task of {@code grant}'s allocation: {@code argv} under {@code setsid} in
     * {@code workingDir} with exactly {@code environment}, stdin from /dev/null, stdout and stderr as
     * pipes. The task belongs to the allocation, so a kill of the allocation kills it; when it exits,
     * what it left in its process group is killed. Empty when the allocation stopped accepting tasks
     * meanwhile.
     *
     * @throws IOException when the process cannot be started
     */
    public Optional<RunningTask> startTask(StepGrant grant, List<String> argv, Map<String, String> environment,
            Path workingDir) throws IOException {
        List<String> cmd = new ArrayList<>(argv.size() + 6);
        cmd.add(SETSID);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workingDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        pb.environment().clear();
        pb.environment().putAll(environment);
        RunningTask task;
        Allocation a;
        synchronized (this) {
            a = allocations.get(grant.allocation());
            if (closed || a == null || a.phase != Phase.RUNNING) {
                return Optional.empty();
            }
            if (a.userError != null) {
                throw new IOException(a.userError);
            }
            if (a.cgroup != null) {
                cmd.addAll(JobCgroups.enterCommand(BASH, a.cgroup));
            }
            if (a.user != null) {
                cmd.addAll(becomeUser(a.user));
            }
            cmd.addAll(argv);
            pb.environment().put("PATH", localWrappers(a) + File.pathSeparator
                    + environment.getOrDefault("PATH", DEFAULT_PATH));
            // Started under the lock so that a concurrent kill either sees the task or refuses it.
            task = new RunningTask(a.id, pb.start(), timer);
            a.tasks.add(task);
        }
        task.process().onExit().whenCompleteAsync((p, t) -> taskExited(a, task), events);
        return Optional.of(task);
    }

    /**
     * Kills every allocation (TERM, KILL after {@link #CLOSE_GRACE}), waits for that, and stops.
     * For agent shutdown when jobs must not outlive the agent. Idempotent. The journal keeps the
     * exits it held; the jobs this kills are not journalled as ended, so rotad sees them lost with
     * the node (and requeues those that allow it) rather than failed by their own doing.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> kills = new ArrayList<>();
        List<Path> spools = new ArrayList<>();
        List<Allocation> killed = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Allocation a : List.copyOf(allocations.values())) {
                if (a.launch == null) {
                    continue; // an exit remembered from the journal: nothing to kill, and it stays journalled
                }
                kills.add(startTermination(targetsOf(a), "TERM", CLOSE_GRACE, "job " + a.id));
                killed.add(a);
                if (a.spool != null) {
                    spools.add(a.spool);
                }
                release(a);
            }
        }
        try {
            CompletableFuture.allOf(kills.toArray(CompletableFuture[]::new))
                    .get(CLOSE_GRACE.plus(Termination.AFTER_KILL).plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warning(nodeName + ": not every job process died on close: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        adminScripts.shutdownNow();
        spools.forEach(JobSupervisor::deleteTree);
        killed.forEach(this::dropCgroup);
    }

    /**
     * Stops supervising without killing anything: jobs keep running, unsupervised. For an agent
     * restart that must not disturb running work. Idempotent.
     */
    public void closeLeavingJobs() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            allocations.clear();
        }
        timer.shutdownNow();
        adminScripts.shutdownNow();
    }

    // ---- batch scripts ----

    /**
     * Writes the script and the srun and scontrol wrappers and starts the batch process; sets
     * {@code a.batch} and {@code a.spool}.
     */
    private void startBatch(Allocation a) throws LaunchFailure {
        LaunchJob l = a.launch;
        if (a.nodeIndex < 0) {
            throw new LaunchFailure("node " + nodeName + " is not among the allocated nodes "
                    + l.getNodesList().stream().map(AllocatedNode::getName).toList());
        }
        if (l.getWorkingDir().isEmpty()) {
            throw new LaunchFailure("no working directory given");
        }
        Path wd = Path.of(l.getWorkingDir());
        if (!Files.isDirectory(wd)) {
            throw new LaunchFailure("working directory " + wd + " does not exist on " + nodeName);
        }
        String outName = l.getOutputPath().isEmpty()
                ? "slurm-" + Long.toUnsignedString(l.getAllocation().getJobId()) + ".out" : l.getOutputPath();
        Path out = wd.resolve(outName);
        Path err = l.getErrorPath().isEmpty() ? null : wd.resolve(l.getErrorPath());
        if (out.equals(err)) {
            err = null;
        }
        PosixUser user = jobUser(l);
        a.user = user;
        checkWritable(out, "output", user);
        if (err != null) {
            checkWritable(err, "error", user);
        }
        outputs.remove(a.id.jobId());
        outputs.put(a.id.jobId(), new OutputFiles(out, java.util.Optional.ofNullable(err), false));

        Path dir = spoolDir.resolve("job-" + a.id);
        Path bin = dir.resolve("bin");
        Path script = dir.resolve("script.sh");
        try {
            Files.createDirectories(bin);
            Files.writeString(script, l.getScript(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            writeWrappers(bin);
            Path stepd = dir.resolve(STEPD);
            Files.writeString(stepd, STEPD_TEXT, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(stepd, PosixFilePermissions.fromString("rwxr-xr-x"));
            // What a restarted agent needs to take the job over; it holds the environment, so only for the agent.
            writeAtomically(dir.resolve(LAUNCH), l.toByteArray());
            Files.setPosixFilePermissions(dir.resolve(LAUNCH), PosixFilePermissions.fromString("rw-------"));
            writeAtomically(dir.resolve(STARTED), Long.toString(System.currentTimeMillis())
                    .getBytes(StandardCharsets.US_ASCII));
            if (user != null) {
                handOver(dir, user);
            }
        } catch (IOException | UnsupportedOperationException e) {
            deleteTree(dir);
            throw new LaunchFailure("cannot write the job script to " + dir + ": " + e);
        }
        a.spool = dir;

        try {
            makeCgroup(a);
        } catch (LaunchFailure e) {
            deleteTree(dir);
            a.spool = null;
            throw e;
        }
        List<String> cmd = new ArrayList<>();
        // rota-stepd, in a session of its own, supervises the script: it outlives an agent restart.
        cmd.addAll(List.of(SETSID, BASH, dir.resolve(STEPD).toString(), dir.toString()));
        if (a.cgroup != null) {
            cmd.addAll(JobCgroups.enterCommand(BASH, a.cgroup));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(wd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        if (user != null) {
            cmd.addAll(becomeUser(user));
            cmd.addAll(List.of(BASH, "-c", OPEN_AND_RUN, "rota-batch", out.toString(),
                    err == null ? "" : err.toString()));
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        } else {
            cmd.add(BASH);
            pb.redirectOutput(ProcessBuilder.Redirect.to(out.toFile()));
            if (err == null) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(ProcessBuilder.Redirect.to(err.toFile()));
            }
        }
        cmd.add(script.toString());
        cmd.addAll(l.getScriptArgsList());
        try {
            Map<String, String> env = pb.environment();
            if (user != null) {
                // A clean environment: nothing of the agent's, the job's, then who the user is.
                env.clear();
                env.put("PATH", DEFAULT_PATH);
                env.putAll(l.getEnvironmentMap());
                env.putAll(TaskEnvironment.batch(l, a.nodeIndex));
                env.put("HOME", user.home());
                env.put("USER", user.name());
                env.put("LOGNAME", user.name());
                if (!user.shell().isEmpty()) {
                    env.put("SHELL", user.shell());
                }
            } else {
                env.keySet().retainAll(AGENT_VARS);
                env.putAll(l.getEnvironmentMap());
                env.putAll(TaskEnvironment.batch(l, a.nodeIndex));
            }
            env.put("PATH", bin + File.pathSeparator + env.getOrDefault("PATH", DEFAULT_PATH));
            a.batch = pb.start();
            a.stepdPid = a.batch.pid();
            writeAtomically(dir.resolve(STEPD_PID), Long.toString(a.stepdPid).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            a.spool = null;
            dropCgroup(a);
            throw new LaunchFailure("cannot start the batch script: " + e.getMessage());
        }
    }

    /** Writes the job's {@code srun} and {@code scontrol} into {@code bin}. */
    private static void writeWrappers(Path bin) throws IOException {
        Files.createDirectories(bin);
        Path srun = bin.resolve("srun");
        Files.writeString(srun, SrunScript.forThisJvm(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(srun, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path scontrol = bin.resolve("scontrol");
        Files.writeString(scontrol, SrunScript.scontrolForThisJvm(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(scontrol, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * This node's wrapper directory for an allocation, written on first use. Tasks get it first on
     * their {@code PATH}: the one srun passed along is the batch host's, which need not exist here.
     */
    private Path localWrappers(Allocation a) throws IOException {
        Path bin = spoolDir.resolve("job-" + a.id).resolve("bin");
        if (a.spool == null) {
            writeWrappers(bin);
            a.spool = bin.getParent();
        }
        return bin;
    }

    /** Guarded by this. Makes the allocation's cgroup with its limits, where cgroups are on. */
    private void makeCgroup(Allocation a) throws LaunchFailure {
        if (cgroups == null || a.cgroup != null) {
            return;
        }
        LaunchJob l = a.launch;
        try {
            a.cgroup = cgroups.create("job-" + a.id, l.getMemPerNodeBytes(),
                    l.getCpusPerTask() * Math.max(1, l.getNtasksPerNode()));
        } catch (IOException | RuntimeException e) {
            throw new LaunchFailure("cannot make the job's cgroup under " + cgroups.parent() + ": " + e.getMessage());
        }
    }

    /** Removes the allocation's cgroup (once its processes are gone). */
    private void dropCgroup(Allocation a) {
        Path cg = a.cgroup;
        if (cgroups != null && cg != null) {
            cgroups.remove(cg);
        }
    }

    /**
     * Whom the job's processes run as: null for the agent's own user, else the submitter.
     *
     * @throws LaunchFailure when the job may not run (as root without {@code allowRootJobs}) or its
     *                       user is unknown here
     */
    private PosixUser jobUser(LaunchJob l) throws LaunchFailure {
        if (settings.runAs() == RunAs.AGENT_USER) {
            if (AGENT_UID == 0 && !settings.allowRootJobs()) {
                throw new LaunchFailure("this agent runs as root and runs jobs as itself; it runs no job as root "
                        + "unless started with --allow-root-jobs");
            }
            return null;
        }
        PosixUser user;
        try {
            user = PosixUser.lookup(l.getUser()).orElseThrow(() -> new LaunchFailure(
                    "user '" + l.getUser() + "' does not exist on " + nodeName));
        } catch (IOException e) {
            throw new LaunchFailure("cannot look up user '" + l.getUser() + "' on " + nodeName + ": " + e.getMessage());
        }
        if (user.isRoot() && !settings.allowRootJobs()) {
            throw new LaunchFailure("job of " + user.name() + " refused: this agent runs no job as root "
                    + "unless started with --allow-root-jobs");
        }
        return user;
    }

    /** {@code setpriv} taking {@code user}'s uid, gid and supplementary groups, then running what follows. */
    private static List<String> becomeUser(PosixUser user) {
        return List.of(SETPRIV, "--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups", "--");
    }

    /**
     * Gives the job's spool directory to its user, and lets every user through (not read) the spool
     * directory above it, so that the script and the srun wrapper can be run as that user.
     */
    private void handOver(Path jobDir, PosixUser user) throws IOException {
        Files.setPosixFilePermissions(spoolDir, PosixFilePermissions.fromString("rwx--x--x"));
        // The directory itself stays the agent's: rota-stepd (as root) writes its files there, which
        // must not be where the user could plant a link.
        Files.setPosixFilePermissions(jobDir, PosixFilePermissions.fromString("rwx--x--x"));
        for (Path top : List.of(jobDir.resolve("script.sh"), jobDir.resolve("bin"))) {
            try (Stream<Path> paths = Files.walk(top)) {
                for (Path p : paths.toList()) {
                    Files.setAttribute(p, "unix:uid", (int) user.uid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(p, "unix:gid", (int) user.gid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    /** Opens (creating) {@code file} for writing as {@code user} (the agent's user when null), to fail early and clearly. */
    private static void checkWritable(Path file, String kind, PosixUser user) throws LaunchFailure {
        if (user == null) {
            checkWritable(file, kind);
            return;
        }
        List<String> cmd = new ArrayList<>(becomeUser(user));
        cmd.addAll(List.of(BASH, "-c", ": >> \"$1\"", "rota-check", file.toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).start();
            String output = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LaunchFailure("cannot open " + kind + " file " + file + " as user " + user.name()
                        + ": the check did not finish in 10 s");
            }
            if (p.exitValue() != 0) {
                String why = output.strip().lines().findFirst().orElse("exit " + p.exitValue())
                        .replaceFirst("^rota-check: (line \\d+: )?", "");
                throw new LaunchFailure("cannot open " + kind + " file " + file + " as user " + user.name() + ": "
                        + why);
            }
        } catch (IOException e) {
            throw new LaunchFailure("cannot check " + kind + " file " + file + " as user " + user.name() + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchFailure("interrupted while checking " + kind + " file " + file);
        }
    }

    private static long agentUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void checkWritable(Path file, String kind) throws LaunchFailure {
        try {
            // Opened (and created) only to fail early with a clear message; the redirect truncates it.
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
        } catch (NoSuchFileException e) {
            throw new LaunchFailure("cannot open " + kind + " file " + file + ": directory " + file.getParent()
                    + " does not exist");
        } catch (AccessDeniedException e) {
            throw new LaunchFailure("cannot open " + kind + " file " + file + ": permission denied");
        } catch (IOException e) {
            throw new LaunchFailure("cannot open " + kind + " file " + file + ": " + e.getMessage());
        }
    }

    /** On the supervisor thread. */
    private void batchExited(Allocation a, int processExit) {
        // rota-stepd's record is the job's own status; its process exit says the same unless it was killed.
        int exitCode = a.spool == null ? processExit : readExitStatus(a.spool).orElse(processExit);
        AllocationEnded report = null;
        synchronized (this) {
            if (allocations.get(a.id) == a && a.phase != Phase.ENDED) {
                a.phase = Phase.ENDED;
                a.endedAtNanos = System.nanoTime();
                a.ended = AllocationEnded.newBuilder().setAllocation(a.id.toProto()).setExitCode(exitCode).build();
                report = a.ended;
            }
            outputs.computeIfPresent(a.id.jobId(), (id, f) -> new OutputFiles(f.output(), f.error(), true));
        }
        if (report != null) {
            LogFields.job(a.id.jobId()).withNode(nodeName).log(LOG, Level.INFO,
                    nodeName + ": job " + a.id + " batch script exited with " + exitCode);
            persist();
            notifyListeners(report);
        }
    }

    private void notifyListeners(AllocationEnded report) {
        for (Consumer<AllocationEnded> l : listeners) {
            try {
                l.accept(report);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "allocation listener failed", e);
            }
        }
    }

    /** Closes a released allocation's energy account and tells the listeners, if it measured anything. */
    private void reportEnergy(Allocation a) {
        java.util.OptionalDouble joules;
        synchronized (this) {
            joules = a.energy.close(a.phase == Phase.ENDED && a.endedAtNanos != 0 ? a.endedAtNanos : System.nanoTime());
        }
        if (joules.isEmpty()) {
            return;
        }
        dev.rota.agent.v1.AllocationEnergy report = dev.rota.agent.v1.AllocationEnergy.newBuilder()
                .setAllocation(a.id.toProto()).setJoules(joules.getAsDouble()).build();
        LogFields.job(a.id.jobId()).withNode(nodeName).log(LOG, Level.INFO, nodeName + ": job " + a.id + " drew "
                + String.format(java.util.Locale.ROOT, "%.0f", joules.getAsDouble()) + " J on its GPUs here");
        for (Consumer<dev.rota.agent.v1.AllocationEnergy> l : energyListeners) {
            try {
                l.accept(report);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "energy listener failed", e);
            }
        }
    }

    /** On an epilog thread: runs the epilog for a released allocation; a failure asks for a drain. */
    private void epilog(Allocation a) {
        Optional<Integer> exit = a.ended != null && a.ended.getLaunchError().isEmpty()
                ? Optional.of(a.ended.getExitCode()) : Optional.empty();
        Optional<String> fault = settings.epilog().orElseThrow().run(a.launch, nodeName, exit);
        if (fault.isEmpty()) {
            return;
        }
        LogFields.job(a.id.jobId()).withNode(nodeName).log(LOG, Level.WARNING,
                nodeName + ": after job " + a.id + ": " + fault.get() + "; the node asks to be drained");
        for (Consumer<String> l : drainListeners) {
            try {
                l.accept(fault.get());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "drain listener failed", e);
            }
        }
    }

    // ---- rota-stepd and re-adoption ----

    /**
     * In the constructor: takes over the batch jobs an earlier agent left running in the spool. A
     * job directory with a launch record and a live rota-stepd is supervised again (RUNNING); one
     * whose rota-stepd recorded an exit meanwhile is an ENDED allocation reported at the next
     * Register; one whose rota-stepd is gone without a record is lost, and forgotten (rotad then
     * handles the job as after a node failure).
     */
    private void adopt() {
        List<Path> dirs;
        try (Stream<Path> list = Files.list(spoolDir)) {
            dirs = list.filter(p -> p.getFileName().toString().startsWith("job-") && Files.isRegularFile(p.resolve(LAUNCH)))
                    .sorted().toList();
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warning(nodeName + ": cannot list " + spoolDir + " for jobs to re-adopt: " + e.getMessage());
            return;
        }
        int running = 0;
        int ended = 0;
        for (Path dir : dirs) {
            LaunchJob launch;
            try {
                launch = LaunchJob.parseFrom(Files.readAllBytes(dir.resolve(LAUNCH)));
            } catch (IOException e) {
                LOG.warning(nodeName + ": cannot read " + dir.resolve(LAUNCH) + ": " + e.getMessage() + "; ignoring it");
                continue;
            }
            AllocationId id = AllocationId.of(launch.getAllocation());
            synchronized (this) {
                if (allocations.containsKey(id) || released.contains(id)) {
                    continue; // already known from the journal; its release deletes the directory
                }
            }
            Allocation a = new Allocation(id, launch, indexOf(launch, nodeName));
            a.spool = dir;
            a.adopted = true;
            a.stepdPid = readLong(dir.resolve(STEPD_PID)).orElse(0L);
            if (cgroups != null && Files.isDirectory(cgroups.parent().resolve("job-" + id))) {
                a.cgroup = cgroups.parent().resolve("job-" + id);
            }
            Optional<Integer> status = readExitStatus(dir);
            if (status.isPresent()) {
                a.phase = Phase.ENDED;
                a.endedAtNanos = System.nanoTime();
                a.ended = AllocationEnded.newBuilder().setAllocation(id.toProto()).setExitCode(status.get()).build();
                ended++;
            } else if (stepdAlive(a)) {
                try {
                    a.user = jobUser(launch);
                } catch (LaunchFailure e) {
                    a.userError = e.getMessage();
                }
                running++;
            } else {
                LOG.warning(nodeName + ": job " + id + " was lost while the agent was down (its rota-stepd is gone "
                        + "and recorded no exit)");
                deleteTree(dir);
                continue;
            }
            synchronized (this) {
                allocations.put(id, a);
                if (a.phase == Phase.RUNNING) {
                    scheduleWarning(a);
                }
            }
        }
        if (running + ended > 0) {
            LOG.info(nodeName + ": re-adopted " + running + " running jobs and " + ended
                    + " that ended while the agent was down, from " + spoolDir);
            persist();
        }
    }

    /** On the supervisor thread: reports adopted jobs whose rota-stepd has recorded an exit, or vanished. */
    private void watchAdopted() {
        List<Allocation> adopted;
        synchronized (this) {
            adopted = allocations.values().stream().filter(a -> a.adopted && a.phase != Phase.ENDED).toList();
        }
        for (Allocation a : adopted) {
            Optional<Integer> status = readExitStatus(a.spool);
            if (status.isPresent()) {
                batchExited(a, status.get());
            } else if (!stepdAlive(a)) {
                // Gone without a record: killed outright. Reported as killed by SIGKILL.
                LOG.warning(nodeName + ": the rota-stepd of job " + a.id + " is gone and recorded no exit");
                batchExited(a, 128 + 9);
            }
        }
    }

    /** Whether the allocation's rota-stepd still runs (the pid is alive and runs this job's stepd). */
    private static boolean stepdAlive(Allocation a) {
        if (a.stepdPid <= 0 || a.spool == null) {
            return false;
        }
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(a.stepdPid), "cmdline"));
            String args = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ');
            return args.contains(a.spool.resolve(STEPD).toString());
        } catch (IOException e) {
            return false;
        }
    }

    /** The batch shell's pid as rota-stepd recorded it, or 0 when not (yet) known. */
    private static long jobPid(Allocation a) {
        return a.spool == null ? 0 : readLong(a.spool.resolve(JOB_PID)).orElse(0L);
    }

    private static Optional<Integer> readExitStatus(Path dir) {
        return readLong(dir.resolve(EXIT_STATUS)).map(Long::intValue);
    }

    private static Optional<Long> readLong(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Writes {@code bytes} to a file beside {@code file}, then renames it over {@code file}. */
    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static String stepdText() {
        try (var in = JobSupervisor.class.getResourceAsStream("rota-stepd.sh")) {
            if (in == null) {
                throw new IllegalStateException("rota-stepd.sh is missing from the agent's classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- --signal ----

    /**
     * Guarded by this. Schedules the job's {@code --signal} warning, if it has one that concerns this
     * node, at {@code time_limit - seconds_before} from now (at once if that is past). The clock
     * starts when this agent starts the allocation, a little after rotad's, so the warning comes at
     * most that little later than asked, never earlier.
     */
    private void scheduleWarning(Allocation a) {
        LaunchJob l = a.launch;
        if (closed || !l.hasWarnSignal() || !l.hasTimeLimit()) {
            return;
        }
        dev.rota.agent.v1.WarnSignal w = l.getWarnSignal();
        if (w.getBatchOnly() && !l.getBatchHost()) {
            return;
        }
        String signal;
        try {
            signal = Signals.normalize(w.getSignal());
        } catch (IllegalArgumentException e) {
            LOG.warning(nodeName + ": job " + a.id + ": " + e.getMessage() + " in --signal; no warning will be sent");
            return;
        }
        long limitMs = l.getTimeLimit().getSeconds() * 1000 + l.getTimeLimit().getNanos() / 1_000_000;
        long elapsedMs = 0;
        if (a.adopted && a.spool != null) {
            // Re-adopted: the job started under an earlier agent, when it recorded.
            long now = System.currentTimeMillis();
            elapsedMs = Math.max(0, now - readLong(a.spool.resolve(STARTED)).orElse(now));
        }
        long delayMs = Math.max(0, limitMs - w.getSecondsBefore() * 1000L - elapsedMs);
        try {
            a.warning = timer.schedule(() -> warn(a, signal, w.getBatchOnly()), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile: no warning to send.
        }
    }

    /** On the supervisor thread: sends the {@code --signal} warning to the batch shell or to every process. */
    private void warn(Allocation a, String signal, boolean batchOnly) {
        Termination.Targets targets;
        synchronized (this) {
            if (allocations.get(a.id) != a || a.phase != Phase.RUNNING) {
                return;
            }
            targets = targetsOf(a);
        }
        Set<Long> pids;
        if (batchOnly) {
            long shell = jobPid(a);
            if (shell <= 0) {
                return;
            }
            pids = Set.of(shell);
        } else {
            // Each process once: a signal sent to its group and to itself could run a trap twice.
            pids = targets.resolve(ProcessTable.capture());
        }
        LogFields.job(a.id.jobId()).withNode(nodeName).log(LOG, Level.INFO, nodeName + ": job " + a.id
                + ": --signal " + signal + " to " + (batchOnly ? "the batch shell" : pids.size() + " processes"));
        Signals.send(signal, Set.of(), pids);
    }

    // ---- tasks ----

    /** On the supervisor thread: kill what the task left in its group, then forget it. */
    private void taskExited(Allocation a, RunningTask task) {
        startTermination(task.targets(), "KILL", Duration.ZERO, "leftovers of task " + task.process().pid())
                .whenComplete((v, t) -> {
                    synchronized (this) {
                        a.tasks.remove(task);
                    }
                });
    }

    // ---- killing ----

    /** Guarded by this. */
    private Termination.Targets targetsOf(Allocation a) {
        Set<Long> groups = new HashSet<>();
        Set<Long> roots = new HashSet<>();
        if (a.stepdPid > 0) {
            // The tree under rota-stepd is the job; rota-stepd itself is spared, to record the exit.
            roots.add(a.stepdPid);
            long shell = jobPid(a);
            if (shell > 0) {
                groups.add(shell);
            }
        }
        a.tasks.forEach(t -> {
            groups.add(t.process().pid());
            roots.add(t.process().pid());
        });
        List<String> markers = List.of(
                TaskEnvironment.ALLOCATION + "=" + TaskEnvironment.allocationMarker(a.launch),
                TaskEnvironment.NODE_NAME + "=" + nodeName);
        return new Termination.Targets(groups, roots, a.seen, markers, Optional.ofNullable(a.cgroup),
                a.stepdPid > 0 ? Set.of(a.stepdPid) : Set.of());
    }

    private CompletableFuture<Void> startTermination(Termination.Targets targets, String signal, Duration grace,
            String what) {
        try {
            return Termination.start(timer, targets, signal, grace, nodeName + ": " + what);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Writes the unreleased exits and the released set to the journal. Not under {@code this}; after
     * {@link #close} it writes nothing, so that a shutdown's releases (and the kills that cause them)
     * are not remembered as exits the daemon should record. A failed write is logged, not thrown:
     * the job's end still goes to the daemon, and only an agent restart before the release could
     * lose it.
     */
    private void persist() {
        synchronized (journalLock) {
            List<AllocationEnded> ended;
            List<AllocationRef> releasedNow;
            synchronized (this) {
                if (closed) {
                    return;
                }
                ended = allocations.values().stream().filter(x -> x.phase == Phase.ENDED)
                        .sorted(Comparator.comparing(x -> x.id)).map(x -> x.ended).toList();
                releasedNow = released.stream().map(AllocationId::toProto).toList();
            }
            try {
                journal.write(ended, releasedNow);
            } catch (IOException e) {
                LOG.warning(nodeName + ": cannot write the agent journal " + journal.file() + ": " + e.getMessage()
                        + " (job exits not yet released by rotad would be lost if this agent restarts)");
            }
        }
    }

    /** Guarded by this. */
    private void release(Allocation a) {
        if (a.warning != null) {
            a.warning.cancel(false);
        }
        allocations.remove(a.id);
        released.add(a.id);
        Iterator<AllocationId> oldest = released.iterator();
        while (released.size() > RELEASED_REMEMBERED) {
            oldest.next();
            oldest.remove();
        }
    }

    /** On the supervisor thread: remember each allocation's process tree, so re-parented processes stay known. */
    private void sweep() {
        watchAdopted();
        try {
            Map<Allocation, Set<Long>> starts = new HashMap<>();
            synchronized (this) {
                for (Allocation a : allocations.values()) {
                    Set<Long> s = new HashSet<>();
                    if (a.stepdPid > 0) {
                        s.add(a.stepdPid);
                    }
                    a.tasks.forEach(t -> s.add(t.process().pid()));
                    a.seen.removeIf(h -> !ProcessTable.running(h));
                    a.seen.forEach(h -> s.add(h.pid()));
                    if (!s.isEmpty()) {
                        starts.put(a, s);
                    }
                }
            }
            if (starts.isEmpty()) {
                return;
            }
            ProcessTable table = ProcessTable.capture();
            for (Map.Entry<Allocation, Set<Long>> e : starts.entrySet()) {
                Set<ProcessHandle> found = e.getValue().stream()
                        .flatMap(pid -> table.treesAndGroups(List.of(pid), List.of(pid)).stream())
                        .map(ProcessHandle::of).flatMap(Optional::stream).collect(Collectors.toSet());
                synchronized (this) {
                    e.getKey().seen.addAll(found);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "process sweep failed", e);
        }
    }

    // ---- helpers ----

    private static int indexOf(LaunchJob launch, String node) {
        for (int i = 0; i < launch.getNodesCount(); i++) {
            if (launch.getNodes(i).getName().equals(node)) {
                return i;
            }
        }
        return -1;
    }

    private static String firstExecutable(String... candidates) {
        for (int i = 0; i < candidates.length - 1; i++) {
            if (Files.isExecutable(Path.of(candidates[i]))) {
                return candidates[i];
            }
        }
        return candidates[candidates.length - 1];
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.fine(() -> "cannot delete " + p + ": " + e);
                }
            });
        } catch (IOException e) {
            LOG.fine(() -> "cannot delete " + dir + ": " + e);
        }
    }
}
