package dev.rota.agent.step;

import com.google.protobuf.ByteString;
import dev.rota.agent.env.TaskEnvironment;
import dev.rota.agent.exec.JobSupervisor;
import dev.rota.agent.exec.RunningTask;
import dev.rota.agent.exec.StepGrant;
import dev.rota.agent.v1.LaunchJob;
import dev.rota.agent.v1.RunTaskRequest;
import dev.rota.agent.v1.StepServiceGrpc;
import dev.rota.agent.v1.TaskOutput;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's StepService: runs one srun task per {@code RunTask} call and streams its output.
 *
 * <p>A task runs only while its job holds a running allocation on this node
 * ({@code PERMISSION_DENIED} otherwise). Its environment is srun's environment overridden by
 * {@link TaskEnvironment#variables} for this node and the task's ranks; its working directory is the
 * request's, else the job's. Stdout and stderr are read on two threads each and sent in order of
 * reading as chunks of at most {@value #CHUNK} bytes, with flow control: when the caller reads
 * slowly, the task blocks on its pipes. The last message is the exit code (128 + N when killed by
 * signal N). Cancelling the call sends TERM to the task's process group and tree, KILL after
 * {@link #CANCEL_GRACE}.
 *
 * <p>Thread-safe. {@link #close()} stops the output threads; tasks themselves belong to the
 * {@link JobSupervisor}.
 */
public final class StepServer extends StepServiceGrpc.StepServiceImplBase implements AutoCloseable {

    /** Largest output chunk, in bytes. */
    public static final int CHUNK = 32 * 1024;
    /** Grace between TERM and KILL when srun cancels a task. */
    public static final Duration CANCEL_GRACE = Duration.ofSeconds(2);
    /** How long output may keep flowing after the task exited (from processes it left behind). */
    static final Duration DRAIN = Duration.ofSeconds(2);

    private static final Logger LOG = Logger.getLogger(StepServer.class.getName());

    private final JobSupervisor supervisor;
    private final ExecutorService io;

    public StepServer(JobSupervisor supervisor) {
        this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
        AtomicInteger n = new AtomicInteger();
        this.io = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "rota-step-io-" + supervisor.nodeName() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** How often a followed output file is checked for more bytes. */
    static final Duration FOLLOW_POLL = Duration.ofMillis(200);

    /**
     * Serves a job's output file from {@code offset}, in chunks of at most {@value #CHUNK} bytes, on
     * an I/O thread; with {@code follow}, until the batch script ended and the file is read to its
     * end. Only files of batch scripts this node ran are served.
     */
    @Override
    public void readOutput(dev.rota.agent.v1.ReadOutputRequest request,
            StreamObserver<dev.rota.agent.v1.OutputChunk> responses) {
        ServerCallStreamObserver<dev.rota.agent.v1.OutputChunk> call =
                (ServerCallStreamObserver<dev.rota.agent.v1.OutputChunk>) responses;
        String node = supervisor.nodeName();
        String job = Long.toUnsignedString(request.getJobId());
        var files = supervisor.outputFiles(request.getJobId());
        if (files.isEmpty()) {
            call.onError(Status.NOT_FOUND.withDescription("node " + node + " did not run job " + job
                    + "'s batch script since its agent started (is it the job's first node?)").asRuntimeException());
            return;
        }
        Object ready = new Object();
        call.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        call.setOnCancelHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        io.execute(() -> serveOutput(request, call, ready));
    }

    private void serveOutput(dev.rota.agent.v1.ReadOutputRequest request,
            ServerCallStreamObserver<dev.rota.agent.v1.OutputChunk> call, Object ready) {
        long jobId = request.getJobId();
        Path file = supervisor.outputFiles(jobId).orElseThrow().file(request.getStderr());
        long offset = request.getOffset();
        boolean first = true;
        byte[] buffer = new byte[CHUNK];
        try {
            while (!call.isCancelled()) {
                boolean ended = supervisor.outputFiles(jobId).map(f -> f.ended()).orElse(true);
                long sent = 0;
                if (Files.exists(file)) {
                    try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
                        channel.position(offset);
                        int n;
                        while ((n = channel.read(java.nio.ByteBuffer.wrap(buffer))) > 0) {
                            synchronized (ready) {
                                while (!call.isReady() && !call.isCancelled()) {
                                    ready.wait(1_000);
                                }
                            }
                            if (call.isCancelled()) {
                                return;
                            }
                            var chunk = dev.rota.agent.v1.OutputChunk.newBuilder()
                                    .setData(ByteString.copyFrom(buffer, 0, n)).setOffset(offset);
                            if (first) {
                                chunk.setPath(file.toString());
                                first = false;
                            }
                            call.onNext(chunk.build());
                            offset += n;
                            sent += n;
                        }
                    }
                } else if (!request.getFollow() || ended) {
                    call.onError(Status.NOT_FOUND.withDescription("job " + Long.toUnsignedString(jobId)
                            + " has no output file " + file + " on node " + supervisor.nodeName()).asRuntimeException());
                    return;
                }
                // Read to the end once more after the script ended: what it wrote last is in.
                if (!request.getFollow() || (ended && sent == 0)) {
                    if (first) {
                        call.onNext(dev.rota.agent.v1.OutputChunk.newBuilder().setOffset(offset)
                                .setPath(file.toString()).build());
                    }
                    call.onCompleted();
                    return;
                }
                if (sent == 0) {
                    synchronized (ready) {
                        ready.wait(FOLLOW_POLL.toMillis());
                    }
                }
            }
        } catch (IOException e) {
            call.onError(Status.INTERNAL.withDescription("cannot read " + file + " on node "
                    + supervisor.nodeName() + ": " + e.getMessage()).asRuntimeException());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.onError(Status.UNAVAILABLE.withDescription("the agent is shutting down").asRuntimeException());
        } catch (RuntimeException e) {
            // The client went away while we were sending.
            LOG.log(Level.FINE, "output stream of job " + jobId + " ended: " + e.getMessage(), e);
        }
    }

    @Override
    public void runTask(RunTaskRequest request, StreamObserver<TaskOutput> responses) {
        TaskCall call = new TaskCall((ServerCallStreamObserver<TaskOutput>) responses);
        String node = supervisor.nodeName();
        String job = Long.toUnsignedString(request.getJobId());
        Optional<StepGrant> grant = supervisor.stepGrant(request.getJobId());
        if (grant.isEmpty()) {
            call.fail(Status.PERMISSION_DENIED.withDescription(
                    "job " + job + " holds no running allocation on node " + node));
            return;
        }
        if (request.getArgvCount() == 0) {
            call.fail(Status.INVALID_ARGUMENT.withDescription("no command given"));
            return;
        }
        LaunchJob launch = grant.get().launch();
        int nodes = launch.getNodesCount();
        int ntasks = request.getNtasks();
        int perNode = ntasks > 0 && ntasks % nodes == 0 ? ntasks / nodes : TaskEnvironment.tasksPerNode(launch);
        Map<String, String> env = TaskEnvironment.merge(request.getEnvironmentMap(), TaskEnvironment.variables(
                launch, grant.get().nodeIndex(), perNode, request.getProcId(), request.getLocalId()));
        env.putIfAbsent("PATH", Objects.requireNonNullElse(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin"));
        Path wd = Path.of(request.getWorkingDir().isEmpty() ? launch.getWorkingDir() : request.getWorkingDir());
        if (!Files.isDirectory(wd)) {
            call.fail(Status.FAILED_PRECONDITION.withDescription(
                    "working directory " + wd + " does not exist on node " + node));
            return;
        }
        Optional<RunningTask> started;
        try {
            started = supervisor.startTask(grant.get(), request.getArgvList(), env, wd);
        } catch (IOException | RuntimeException e) {
            call.fail(Status.INTERNAL.withDescription("cannot start task on node " + node + ": " + e.getMessage()));
            return;
        }
        if (started.isEmpty()) {
            call.fail(Status.PERMISSION_DENIED.withDescription(
                    "job " + job + " stopped accepting tasks on node " + node));
            return;
        }
        RunningTask task = started.get();
        LOG.fine(() -> node + ": job " + job + " task " + request.getProcId() + " started as pid " + task.process().pid());
        call.attach(task);
        try {
            call.send(TaskOutput.newBuilder().setStarted(true).build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Process p = task.process();
        CompletableFuture<Void> out = pump(p.getInputStream(), call, b -> TaskOutput.newBuilder().setStdout(b).build());
        CompletableFuture<Void> err = pump(p.getErrorStream(), call, b -> TaskOutput.newBuilder().setStderr(b).build());
        p.onExit()
                .thenCompose(exited -> CompletableFuture.allOf(out, err)
                        .completeOnTimeout(null, DRAIN.toMillis(), TimeUnit.MILLISECONDS))
                .whenComplete((v, t) -> {
                    if (t != null) {
                        LOG.log(Level.WARNING, "task output failed", t);
                    }
                    call.finish(p.exitValue());
                });
    }

    private CompletableFuture<Void> pump(InputStream in, TaskCall call, Function<ByteString, TaskOutput> wrap) {
        return CompletableFuture.runAsync(() -> {
            byte[] buf = new byte[CHUNK];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (n > 0) {
                        call.send(wrap.apply(ByteString.copyFrom(buf, 0, n)));
                    }
                }
            } catch (IOException e) {
                // The pipe was closed under us: the task is gone.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, io);
    }

    /** Stops the output threads. Running tasks are the supervisor's to kill. */
    @Override
    public void close() {
        io.shutdownNow();
    }

    /**
     * One RunTask call: serialises writes to the response stream (a StreamObserver is not
     * thread-safe), waits for the caller's flow control, and ties cancellation to the task.
     */
    private static final class TaskCall {
        private final ServerCallStreamObserver<TaskOutput> call;
        private final Object lock = new Object();
        private boolean closed;
        private boolean cancelled;
        private RunningTask task;

        TaskCall(ServerCallStreamObserver<TaskOutput> call) {
            this.call = call;
            call.setOnReadyHandler(() -> {
                synchronized (lock) {
                    lock.notifyAll();
                }
            });
            call.setOnCancelHandler(this::cancelled);
        }

        private void cancelled() {
            RunningTask t;
            synchronized (lock) {
                cancelled = true;
                closed = true;
                t = task;
                lock.notifyAll();
            }
            if (t != null) {
                t.terminate(CANCEL_GRACE);
            }
        }

        /** Ties the task to this call; kills it at once if the call was already cancelled. */
        void attach(RunningTask t) {
            synchronized (lock) {
                task = t;
                if (!cancelled) {
                    return;
                }
            }
            t.terminate(CANCEL_GRACE);
        }

        /** Sends one message, waiting while the caller is not ready; drops it once the call is over. */
        void send(TaskOutput message) throws InterruptedException {
            synchronized (lock) {
                while (!closed && !call.isReady()) {
                    // The ready handler wakes us; the timeout only guards against a missed wake-up.
                    lock.wait(200);
                }
                if (!closed) {
                    call.onNext(message);
                }
            }
        }

        void finish(int exitCode) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                call.onNext(TaskOutput.newBuilder().setExitCode(exitCode).build());
                call.onCompleted();
            }
        }

        void fail(Status status) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                call.onError(status.asRuntimeException());
            }
        }
    }
}
