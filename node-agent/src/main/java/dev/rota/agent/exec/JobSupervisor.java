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
 * <p>Jobs run as the agent's user. The batch script's environment is the agent's {@code PATH},
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

        Allocation(AllocationId id, LaunchJob launch, int nodeIndex) {
            this.id = id;
            this.launch = launch;
            this.nodeIndex = nodeIndex;
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
    }

    public String nodeName() {
        return nodeName;
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
     * Records the allocation and, where this node is the batch host, starts its script. Returns once
     * the script is started (or failed to start, which is reported to the listeners as an
     * {@link AllocationEnded} with {@code launch_error}). Idempotent per (job, attempt).
     */
    public void launch(LaunchJob launch) {
        AllocationId id = AllocationId.of(launch.getAllocation());
        Allocation a;
        AllocationEnded failure = null;
        synchronized (this) {
            if (closed || allocations.containsKey(id) || released.contains(id)) {
                LOG.fine(() -> nodeName + ": ignoring repeated launch of job " + id);
                return;
            }
            a = new Allocation(id, launch, indexOf(launch, nodeName));
            allocations.put(id, a);
            if (!launch.getBatchHost()) {
                if (a.nodeIndex < 0) {
                    LOG.warning(nodeName + ": job " + id + " is not allocated on this node; refusing its tasks");
                }
                return;
            }
            try {
                startBatch(a);
            } catch (LaunchFailure e) {
                a.phase = Phase.ENDED;
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
                if (a.batch != null && a.phase != Phase.ENDED) {
                    a.phase = Phase.KILLING;
                } else {
                    release(a);
                    releasedNow = true;
                    spool = a.spool;
                }
            }
        }
        if (releasedNow) {
            persist();
        }
        if (targets == null) {
            deleteTree(spool);
            return CompletableFuture.completedFuture(null);
        }
        LogFields.job(id.jobId()).withNode(nodeName).log(LOG, Level.INFO,
                nodeName + ": killing job " + id + " with " + signal + ", grace " + grace.toMillis() + " ms");
        CompletableFuture<Void> done = startTermination(targets, signal, grace, "job " + id);
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
        List<String> cmd = new ArrayList<>(argv.size() + 1);
        cmd.add(SETSID);
        cmd.addAll(argv);
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
        spools.forEach(JobSupervisor::deleteTree);
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
        checkWritable(out, "output");
        if (err != null) {
            checkWritable(err, "error");
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
        } catch (IOException | UnsupportedOperationException e) {
            throw new LaunchFailure("cannot write the job script to " + dir + ": " + e);
        }
        a.spool = dir;

        List<String> cmd = new ArrayList<>();
        cmd.add(SETSID);
        cmd.add(BASH);
        cmd.add(script.toString());
        cmd.addAll(l.getScriptArgsList());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(wd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()));
        if (err == null) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.to(err.toFile()));
        }
        try {
            Map<String, String> env = pb.environment();
            env.keySet().retainAll(AGENT_VARS);
            env.putAll(l.getEnvironmentMap());
            env.putAll(TaskEnvironment.batch(l, a.nodeIndex));
            env.put("PATH", bin + File.pathSeparator + env.getOrDefault("PATH", DEFAULT_PATH));
            a.batch = pb.start();
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            a.spool = null;
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
    private void batchExited(Allocation a, int exitCode) {
        AllocationEnded report = null;
        synchronized (this) {
            if (allocations.get(a.id) == a && a.phase != Phase.ENDED) {
                a.phase = Phase.ENDED;
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
        Set<Long> leaders = new HashSet<>();
        if (a.batch != null) {
            leaders.add(a.batch.pid());
        }
        a.tasks.forEach(t -> leaders.add(t.process().pid()));
        List<String> markers = List.of(
                TaskEnvironment.ALLOCATION + "=" + TaskEnvironment.allocationMarker(a.launch),
                TaskEnvironment.NODE_NAME + "=" + nodeName);
        return new Termination.Targets(leaders, leaders, a.seen, markers);
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
        try {
            Map<Allocation, Set<Long>> starts = new HashMap<>();
            synchronized (this) {
                for (Allocation a : allocations.values()) {
                    Set<Long> s = new HashSet<>();
                    if (a.batch != null) {
                        s.add(a.batch.pid());
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
