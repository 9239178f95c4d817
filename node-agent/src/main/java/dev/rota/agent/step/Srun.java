package dev.rota.agent.step;

import dev.rota.agent.env.TaskEnvironment;
import dev.rota.agent.v1.RunTaskRequest;
import dev.rota.agent.v1.StepServiceGrpc;
import dev.rota.agent.v1.TaskOutput;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code srun}: runs a command as the tasks of a job step on every node of the current allocation.
 *
 * <pre>srun [--ntasks-per-node N] [-l|--label] [--kill-on-bad-exit[=0|1]] [--export RULE] [--] CMD [ARGS...]</pre>
 *
 * <p>{@code --kill-on-bad-exit} is on by default (one failed rank ends the step rather than leaving
 * the others hanging in a collective); {@code =0} lets the others run to their end. Options real
 * scripts pass that steps do not act on ({@code --cpu-bind}, {@code --mpi}, {@code --overlap},
 * {@code -m}, {@code --wait}, ...) are accepted with one warning each; container options are refused.
 *
 * <p>Reads {@code ROTA_JOB_ID}, {@code ROTA_STEP_NODES} and {@code ROTA_NTASKS_PER_NODE} (falling
 * back to {@code SLURM_NTASKS_PER_NODE}, then 1) from its environment, which the agent sets for batch
 * scripts. Opens one {@code RunTask} call per task, task {@code p = nodeIndex * N + localId}, sending
 * its whole environment and working directory. Output is copied to its own stdout and stderr as it
 * arrives; with {@code -l} each line is prefixed {@code <p>: }. As soon as one task fails (non-zero
 * exit, or its node refuses or cannot be reached) the other tasks are cancelled, which kills them.
 *
 * <p>Exit status: 0 when every task exits 0; otherwise the first non-zero exit code to arrive; 1
 * when a node cannot be reached or refuses, or when not inside a Rota job; 2 on usage errors.
 *
 * <p>Losing contact with a node whose task had started is different: the node may have died, and
 * judging that is the scheduler's job (it requeues the whole gang and kills this script). So srun
 * waits {@code ROTA_NODE_LOST_WAIT} seconds (default 60) for that verdict before it counts the task
 * as failed; it would otherwise make the batch script fail first and lose the requeue.
 *
 * <p>{@link #main} is a thin wrapper around {@link #run}, which tests call in-process. One instance
 * runs one step; not reusable.
 */
public final class Srun {

    static final String USAGE = "usage: srun [--ntasks-per-node N] [-l|--label] [--] COMMAND [ARGS...]";

    private final Map<String, String> env;
    private final Path cwd;
    private final OutputStream out;
    private final OutputStream err;

    // All guarded by this.
    private final List<ClientCallStreamObserver<RunTaskRequest>> calls = new ArrayList<>();
    private final Set<String> reportedNodes = new HashSet<>();
    private final Map<String, ByteArrayOutputStream> partialLines = new LinkedHashMap<>();
    private Integer firstFailure;
    private boolean cancelling;
    /** How long to wait for the scheduler's verdict after losing a node mid-task. */
    private final java.time.Duration nodeLostWait;

    /**
     * @param env the environment srun runs in (and passes to its tasks)
     * @param cwd the working directory of the tasks
     * @param out where task stdout goes
     * @param err where task stderr and srun's own errors go
     */
    public Srun(Map<String, String> env, Path cwd, OutputStream out, OutputStream err) {
        this.env = Map.copyOf(env);
        this.cwd = Objects.requireNonNull(cwd, "cwd");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.nodeLostWait = java.time.Duration.ofSeconds(seconds(env.get("ROTA_NODE_LOST_WAIT"), 60));
    }

    private static long seconds(String value, long fallback) {
        try {
            return value == null ? fallback : Math.max(0, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    public static void main(String[] args) {
        int code = new Srun(System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err).run(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /**
     * @param killOnBadExit {@code --kill-on-bad-exit} (default on): one failed task ends the step
     * @param export        {@code --export}: null for ALL, else the rule as written
     * @param warnings      options accepted but ignored, each once
     */
    private record Options(int tasksPerNode, boolean label, List<String> command, boolean killOnBadExit,
            String export, List<String> warnings) {
    }

    /** Options real scripts pass that Rota's steps do not act on: accepted with one warning each. */
    private static final java.util.Set<String> IGNORED_WITH_VALUE = java.util.Set.of("--cpu-bind", "--mpi",
            "--distribution", "--gpu-bind", "--hint", "--cpus-per-task", "--mem", "--wait", "--signal", "--jobid",
            "--mem-bind", "--gpus-per-task", "--gres");
    private static final java.util.Set<String> IGNORED_FLAGS = java.util.Set.of("--overlap", "--exact", "--exclusive",
            "--unbuffered", "-u", "--overcommit", "-O");
    private static final java.util.Map<String, String> SHORT_WITH_VALUE = java.util.Map.of("-m", "--distribution",
            "-c", "--cpus-per-task", "-W", "--wait");

    private boolean killOnBadExit = true;

    private static final class UsageError extends Exception {
        UsageError(String message) {
            super(message, null, false, false);
        }
    }

    private record Node(String name, String address) {
    }

    /** Runs the step and returns srun's exit status. Blocks until every task has ended. */
    public int run(String... args) {
        Options options;
        try {
            options = parse(args);
        } catch (UsageError e) {
            if (e.getMessage().isEmpty()) {
                message(out, USAGE);
                return 0;
            }
            message(err, "srun: error: " + e.getMessage());
            message(err, USAGE);
            return 2;
        }
        String jobId = env.getOrDefault(TaskEnvironment.JOB_ID, "");
        if (jobId.isEmpty()) {
            message(err, "srun: error: not inside a Rota job (" + TaskEnvironment.JOB_ID
                    + " is not set); run srun from a batch script");
            return 1;
        }
        long job;
        List<Node> nodes;
        try {
            job = Long.parseUnsignedLong(jobId);
            nodes = parseNodes(env.getOrDefault(TaskEnvironment.STEP_NODES, ""));
        } catch (IllegalArgumentException e) {
            message(err, "srun: error: " + e.getMessage());
            return 1;
        }
        options.warnings().forEach(w -> message(err, "srun: warning: " + w));
        killOnBadExit = options.killOnBadExit();
        int perNode = options.tasksPerNode() > 0 ? options.tasksPerNode() : defaultTasksPerNode();
        return runStep(job, nodes, perNode, options);
    }

    private int runStep(long job, List<Node> nodes, int perNode, Options options) {
        int ntasks = nodes.size() * perNode;
        Map<String, ManagedChannel> channels = new LinkedHashMap<>();
        CountDownLatch ended = new CountDownLatch(ntasks);
        try {
            for (int n = 0; n < nodes.size(); n++) {
                Node node = nodes.get(n);
                ManagedChannel channel = channels.computeIfAbsent(node.address(),
                        a -> Grpc.newChannelBuilder(a, InsecureChannelCredentials.create()).build());
                StepServiceGrpc.StepServiceStub stub = StepServiceGrpc.newStub(channel);
                for (int local = 0; local < perNode; local++) {
                    int proc = n * perNode + local;
                    RunTaskRequest request = RunTaskRequest.newBuilder()
                            .setJobId(job)
                            .setProcId(proc)
                            .setLocalId(local)
                            .setNtasks(ntasks)
                            .addAllArgv(options.command())
                            .putAllEnvironment(exported(options.export()))
                            .setWorkingDir(cwd.toString())
                            .build();
                    TaskObserver task = new TaskObserver(node, proc, options.label(), ended);
                    if (isCancelling()) {
                        // A task already failed: do not start the rest.
                        task.ended();
                        continue;
                    }
                    try {
                        stub.runTask(request, task);
                    } catch (RuntimeException e) {
                        // Cancelled between start and send by a sibling's failure; counted once either way.
                        task.ended();
                    }
                }
            }
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelAll();
            return 1;
        } finally {
            for (ManagedChannel c : channels.values()) {
                c.shutdownNow();
            }
            for (ManagedChannel c : channels.values()) {
                try {
                    c.awaitTermination(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        synchronized (this) {
            return firstFailure == null ? 0 : firstFailure;
        }
    }

    /** Cancels every task call (which kills the tasks); for a shutdown hook. Safe from any thread. */
    public void cancelAll() {
        List<ClientCallStreamObserver<RunTaskRequest>> toCancel;
        synchronized (this) {
            cancelling = true;
            toCancel = List.copyOf(calls);
        }
        for (ClientCallStreamObserver<RunTaskRequest> c : toCancel) {
            c.cancel("srun: a task of the step failed", null);
        }
    }

    private synchronized boolean isCancelling() {
        return cancelling;
    }

    /** Records a failure; the first one decides the exit status and cancels the other tasks. */
    private void failed(int code) {
        boolean first;
        synchronized (this) {
            first = firstFailure == null && !cancelling;
            if (firstFailure == null) {
                firstFailure = code;
            }
        }
        if (first && killOnBadExit) {
            cancelAll();
        }
    }

    /**
     * The environment the tasks get, by {@code --export}: ALL (or null) all of srun's; NONE only the
     * job's own ({@code SLURM_*}, {@code ROTA_*}); {@code [ALL,]VAR[=VALUE],...} those (or all) plus
     * the values given. The agent then sets each task's own variables over it.
     */
    private Map<String, String> exported(String rule) {
        if (rule == null || rule.equalsIgnoreCase("ALL")) {
            return env;
        }
        Map<String, String> out = new LinkedHashMap<>();
        boolean all = false;
        for (String part : rule.split(",")) {
            if (part.equalsIgnoreCase("ALL")) {
                all = true;
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (all || e.getKey().startsWith("SLURM_") || e.getKey().startsWith("ROTA_")) {
                out.put(e.getKey(), e.getValue());
            }
        }
        for (String part : rule.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            } else if (!part.equalsIgnoreCase("ALL") && !part.equalsIgnoreCase("NONE") && !part.equalsIgnoreCase("NIL")
                    && env.containsKey(part)) {
                out.put(part, env.get(part));
            }
        }
        return out;
    }

    private final class TaskObserver implements ClientResponseObserver<RunTaskRequest, TaskOutput> {
        private final Node node;
        private final int proc;
        private final boolean label;
        private final CountDownLatch latch;
        private final AtomicBoolean counted = new AtomicBoolean();
        private Integer exitCode;
        private volatile boolean started;

        TaskObserver(Node node, int proc, boolean label, CountDownLatch ended) {
            this.node = node;
            this.proc = proc;
            this.label = label;
            this.latch = ended;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<RunTaskRequest> call) {
            synchronized (Srun.this) {
                calls.add(call);
            }
        }

        @Override
        public void onNext(TaskOutput o) {
            switch (o.getKindCase()) {
                case STDOUT -> write(out, "o", o.getStdout().toByteArray());
                case STDERR -> write(err, "e", o.getStderr().toByteArray());
                case EXIT_CODE -> exitCode = o.getExitCode();
                case STARTED -> started = true;
                case KIND_NOT_SET -> {
                    // A newer agent's message kind: nothing to do with it.
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            try {
                flushPartial();
                Status s = Status.fromThrowable(t);
                boolean ourCancel;
                synchronized (Srun.this) {
                    ourCancel = cancelling && s.getCode() == Status.Code.CANCELLED;
                }
                if (ourCancel) {
                    ended();
                    return;
                }
                if (started && s.getCode() == Status.Code.UNAVAILABLE && nodeLostWait.toMillis() > 0) {
                    message(err, "srun: error: lost contact with " + node.name() + " (task " + proc + "); waiting up to "
                            + nodeLostWait.toSeconds() + " s for the scheduler to decide whether the node failed");
                    java.util.concurrent.CompletableFuture.delayedExecutor(nodeLostWait.toMillis(),
                            TimeUnit.MILLISECONDS).execute(() -> {
                                message(err, "srun: error: " + node.name() + " did not come back; task " + proc
                                        + " failed");
                                failed(1);
                                ended();
                            });
                    return;
                }
                boolean firstForNode;
                synchronized (Srun.this) {
                    firstForNode = reportedNodes.add(node.name());
                }
                if (firstForNode) {
                    message(err, "srun: error: " + describe(s));
                }
                failed(1);
                ended();
            } catch (RuntimeException e) {
                ended();
                throw e;
            }
        }

        @Override
        public void onCompleted() {
            try {
                flushPartial();
                if (exitCode == null) {
                    message(err, "srun: error: " + node.name() + ": task " + proc + " ended without an exit status");
                    failed(1);
                } else if (exitCode != 0) {
                    message(err, "srun: error: " + node.name() + ": task " + proc + ": exited with exit code " + exitCode);
                    failed(exitCode);
                }
            } finally {
                ended();
            }
        }

        /** Counts this task as over, once, however many ways it ends. */
        void ended() {
            if (counted.compareAndSet(false, true)) {
                latch.countDown();
            }
        }

        private String describe(Status s) {
            String why = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
            return switch (s.getCode()) {
                case UNAVAILABLE -> "node " + node.name() + " (" + node.address() + ") is unreachable: " + why;
                case PERMISSION_DENIED, FAILED_PRECONDITION, INVALID_ARGUMENT -> node.name() + ": " + why;
                default -> node.name() + ": task " + proc + " failed: " + s.getCode() + ": " + why;
            };
        }

        private void write(OutputStream to, String stream, byte[] bytes) {
            synchronized (Srun.this) {
                try {
                    if (!label) {
                        to.write(bytes);
                    } else {
                        byte[] prefix = (proc + ": ").getBytes(StandardCharsets.UTF_8);
                        ByteArrayOutputStream pending = partialLines.computeIfAbsent(proc + stream,
                                k -> new ByteArrayOutputStream());
                        int start = 0;
                        for (int i = 0; i < bytes.length; i++) {
                            if (bytes[i] == '\n') {
                                to.write(prefix);
                                pending.writeTo(to);
                                pending.reset();
                                to.write(bytes, start, i + 1 - start);
                                start = i + 1;
                            }
                        }
                        pending.write(bytes, start, bytes.length - start);
                    }
                    to.flush();
                } catch (IOException e) {
                    // Our own stdout is gone (closed pipe): nothing sensible to do but keep the step going.
                }
            }
        }

        /** With -l, ends a last line that had no newline. */
        private void flushPartial() {
            if (!label) {
                return;
            }
            synchronized (Srun.this) {
                for (String stream : List.of("o", "e")) {
                    ByteArrayOutputStream pending = partialLines.remove(proc + stream);
                    if (pending != null && pending.size() > 0) {
                        OutputStream to = stream.equals("o") ? out : err;
                        try {
                            to.write((proc + ": ").getBytes(StandardCharsets.UTF_8));
                            pending.writeTo(to);
                            to.write('\n');
                            to.flush();
                        } catch (IOException e) {
                            // Our own output is gone; see write().
                        }
                    }
                }
            }
        }
    }

    // ---- parsing ----

    private static Options parse(String[] args) throws UsageError {
        int perNode = 0;
        boolean label = false;
        boolean kill = true;
        String export = null;
        java.util.LinkedHashSet<String> warnings = new java.util.LinkedHashSet<>();
        int i = 0;
        while (i < args.length) {
            String a = args[i];
            String name = a.contains("=") && a.startsWith("--") ? a.substring(0, a.indexOf('=')) : a;
            if (a.equals("--")) {
                i++;
                break;
            } else if (a.equals("-l") || a.equals("--label")) {
                label = true;
            } else if (a.equals("--ntasks-per-node")) {
                if (i + 1 >= args.length) {
                    throw new UsageError("--ntasks-per-node needs a number");
                }
                perNode = positive(args[++i]);
            } else if (a.startsWith("--ntasks-per-node=")) {
                perNode = positive(a.substring("--ntasks-per-node=".length()));
            } else if (name.equals("--kill-on-bad-exit") || a.startsWith("-K")) {
                String v = a.startsWith("-K") ? a.substring(2) : a.contains("=") ? a.substring(a.indexOf('=') + 1) : "1";
                if (!v.isEmpty() && !v.equals("0") && !v.equals("1")) {
                    throw new UsageError("--kill-on-bad-exit takes 0 or 1, not '" + v + "'");
                }
                kill = !v.equals("0");
            } else if (name.equals("--export")) {
                if (a.contains("=")) {
                    export = a.substring(a.indexOf('=') + 1);
                } else if (i + 1 < args.length) {
                    export = args[++i];
                } else {
                    throw new UsageError("--export needs a value (ALL, NONE or VAR[=VALUE],...)");
                }
            } else if (name.startsWith("--container") || name.startsWith("--no-container")) {
                throw new UsageError(name + ": containers are not supported by Rota's srun; run enroot or apptainer "
                        + "inside the step (srun enroot start ...)");
            } else if (IGNORED_FLAGS.contains(a)) {
                warnings.add(a + " is accepted and ignored: Rota's steps "
                        + (a.equals("--overlap") ? "always share the allocation" : "do not act on it"));
            } else if (IGNORED_WITH_VALUE.contains(name) || SHORT_WITH_VALUE.containsKey(a)
                    || (a.length() > 2 && SHORT_WITH_VALUE.containsKey(a.substring(0, 2)))) {
                String option = IGNORED_WITH_VALUE.contains(name) ? name
                        : SHORT_WITH_VALUE.getOrDefault(a, SHORT_WITH_VALUE.get(a.substring(0, 2)));
                boolean attached = a.contains("=") || (a.length() > 2 && !a.startsWith("--"));
                if (!attached) {
                    if (i + 1 >= args.length) {
                        throw new UsageError(a + " needs a value");
                    }
                    i++;
                }
                warnings.add(option + " is accepted and ignored by Rota's srun");
            } else if (a.equals("-h") || a.equals("--help")) {
                throw new UsageError("");
            } else if (a.startsWith("-") && a.length() > 1) {
                throw new UsageError("unknown option " + a + (List.of("-N", "-n", "-w", "--nodes", "--ntasks",
                        "--nodelist").contains(name) || a.startsWith("-N") || a.startsWith("-n") || a.startsWith("-w")
                        ? " (steps run on every node of the allocation; node and task subsets are not supported yet)"
                        : ""));
            } else {
                break;
            }
            i++;
        }
        if (i >= args.length) {
            throw new UsageError("no command given");
        }
        return new Options(perNode, label, List.copyOf(Arrays.asList(args).subList(i, args.length)), kill, export,
                List.copyOf(warnings));
    }

    private static int positive(String s) throws UsageError {
        try {
            int n = Integer.parseInt(s.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new UsageError("--ntasks-per-node must be a positive number, not '" + s + "'");
    }

    private int defaultTasksPerNode() {
        for (String key : List.of(TaskEnvironment.NTASKS_PER_NODE, "SLURM_NTASKS_PER_NODE")) {
            try {
                int n = Integer.parseInt(env.getOrDefault(key, "").strip());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Try the next one.
            }
        }
        return 1;
    }

    /** {@code name=host:port,...}; throws IllegalArgumentException naming what is wrong. */
    static List<Node> parseNodes(String spec) {
        if (spec.isBlank()) {
            throw new IllegalArgumentException(TaskEnvironment.STEP_NODES + " is not set; run srun from a batch script");
        }
        List<Node> nodes = new ArrayList<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new IllegalArgumentException(TaskEnvironment.STEP_NODES + " has a malformed entry '" + part
                        + "' (expected name=host:port)");
            }
            nodes.add(new Node(part.substring(0, eq).strip(), part.substring(eq + 1).strip()));
        }
        return nodes;
    }

    private void message(OutputStream to, String line) {
        synchronized (this) {
            try {
                to.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                to.flush();
            } catch (IOException e) {
                // Nowhere left to report to.
            }
        }
    }
}
