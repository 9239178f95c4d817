package dev.rota.it;

import dev.rota.api.v1.GetJobRequest;
import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.ListNodesRequest;
import dev.rota.api.v1.Node;
import dev.rota.api.v1.NodeServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A real cluster for end-to-end tests: {@code bin/rotad} and {@code bin/rota-agent} as separate JVMs
 * on loopback, and {@code bin/rota} run as a user would. The test's own gRPC client is used only to
 * wait for states without paying a CLI start per poll.
 */
final class RotaProcesses implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("rota.root", "..")).toAbsolutePath().normalize();

    final Path dir;
    final int grpcPort;
    final int metricsPort;
    private Process daemon;
    private final Map<String, Process> agents = new TreeMap<>();
    private ManagedChannel channel;
    /**
     * Options every agent gets: by default each job runs as the agent's user (root here, allowed),
     * since the tests submit as users this host does not have.
     */
    private List<String> runAs = List.of("--jobs-as-agent-user", "--allow-root-jobs");

    RotaProcesses(Path dir) {
        this.dir = dir;
        this.grpcPort = freePort();
        this.metricsPort = freePort();
    }

    String address() {
        return "127.0.0.1:" + grpcPort;
    }

    /** Starts rotad on this cluster's data dir and waits until it serves. */
    RotaProcesses startDaemon(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--data-dir", dir.resolve("data").toString(), "--listen",
                address(), "--metrics-listen", "127.0.0.1:" + metricsPort, "--kill-grace", "2"));
        args.addAll(List.of(extraArgs));
        daemon = launch("rotad", dir.resolve("rotad.log"), args.toArray(String[]::new));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        await("rotad to serve", Duration.ofSeconds(60), () -> {
            try {
                nodes().listNodes(ListNodesRequest.getDefaultInstance());
                return true;
            } catch (StatusRuntimeException e) {
                if (!daemon.isAlive()) {
                    throw new AssertionError("rotad exited with " + daemon.exitValue() + ":\n" + log("rotad"));
                }
                return false;
            }
        });
        return this;
    }

    /**
     * Starts rotad on {@code dataDir} instead of this cluster's own data dir (a restored backup, say),
     * on the same ports, and waits until it serves.
     */
    RotaProcesses startDaemonOn(Path dataDir, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--listen", address(),
                "--metrics-listen", "127.0.0.1:" + metricsPort, "--kill-grace", "2"));
        args.addAll(List.of(extraArgs));
        daemon = launch("rotad", dir.resolve("rotad.log"), args.toArray(String[]::new));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        await("rotad to serve from " + dataDir, Duration.ofSeconds(60), () -> {
            try {
                nodes().listNodes(ListNodesRequest.getDefaultInstance());
                return true;
            } catch (StatusRuntimeException e) {
                if (!daemon.isAlive()) {
                    throw new AssertionError("rotad exited with " + daemon.exitValue() + ":\n" + log("rotad"));
                }
                return false;
            }
        });
        return this;
    }

    /** Agents started from now on run jobs as rota-agent does by default: as their submitters when root. */
    RotaProcesses agentsRunJobsAsSubmitters() {
        runAs = List.of();
        return this;
    }

    /** Starts one rota-agent with fake GPUs and waits until the daemon lists it connected. */
    RotaProcesses startAgent(String name, int gpus) {
        List<String> args = new ArrayList<>(List.of("--name", name, "--daemon", address(),
                "--fake-gpus", Integer.toString(gpus), "--spool-dir", dir.resolve("spool-" + name).toString()));
        args.addAll(runAs);
        agents.put(name, launch("rota-agent", dir.resolve(name + ".log"), args.toArray(String[]::new)));
        await(name + " to register", Duration.ofSeconds(60), () -> node(name)
                .map(n -> n.getState() != dev.rota.api.v1.NodeState.NODE_STATE_DOWN).orElse(false));
        return this;
    }

    /**
     * Starts one rota-agent with {@code env} added to its environment (a {@code PATH} whose first
     * directory holds a fake nvidia-smi, say) and {@code args} after its name, daemon and spool dir
     * (no {@code --fake-gpus} unless given), and waits until the daemon lists it connected.
     */
    RotaProcesses startAgentWith(String name, Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("--name", name, "--daemon", address(), "--spool-dir",
                dir.resolve("spool-" + name).toString()));
        all.addAll(runAs);
        all.addAll(List.of(args));
        agents.put(name, launchWith(env, "rota-agent", dir.resolve(name + ".log"), all.toArray(String[]::new)));
        await(name + " to register", Duration.ofSeconds(60), () -> node(name)
                .map(n -> n.getState() != dev.rota.api.v1.NodeState.NODE_STATE_DOWN).orElse(false),
                () -> "\n--- " + name + " log ---\n" + log(name));
        return this;
    }

    /**
     * SIGKILL to one agent, as if its host died. Its job processes (own sessions) would outlive it
     * here, unlike on a dead host; they are killed too, after the agent, so the daemon only sees
     * the agent vanish.
     */
    void killAgent(String name) {
        Process agent = agents.get(name);
        List<ProcessHandle> jobs = agent.descendants().toList();
        agent.destroyForcibly();
        try {
            agent.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobs.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * SIGKILL to one agent's JVM only, as when the agent crashes on a host that stays up: its jobs,
     * each under its own rota-stepd, keep running for the next agent to re-adopt.
     */
    void killAgentOnly(String name) {
        Process agent = agents.get(name);
        agent.destroyForcibly();
        try {
            agent.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL to rotad: no shutdown hook, no flush; what was acknowledged must already be on disk. */
    void killDaemon() {
        channel.shutdownNow();
        daemon.destroyForcibly();
        try {
            daemon.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGHUP to rotad: it re-reads its policy file. */
    void hangUpDaemon() {
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -HUP " + daemon.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGTERM to rotad, waiting for it to exit. */
    void stopDaemon() {
        channel.shutdownNow();
        stop(daemon);
    }

    private Process launch(String app, Path logFile, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("bin").resolve(app).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().put("ROTA_NO_BUILD", "1");
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private Process launchWith(Map<String, String> env, String app, Path logFile, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("bin").resolve(app).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().put("ROTA_NO_BUILD", "1");
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /** What a CLI call printed and how it exited. */
    /**
     * Runs {@code bin/rotad ARGS} in {@code dir} with a fresh data directory ({@code dir/data}) on
     * loopback ports, expecting it to refuse to start: returns its exit status and standard error.
     */
    static Result rotadRefusing(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/rotad").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--data-dir", dir.resolve("data").toString(), "--listen", "127.0.0.1:0",
                "--metrics-listen", "127.0.0.1:0"));
        Path err = dir.resolve("rotad.err");
        Path out = dir.resolve("rotad.out");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("rotad " + String.join(" ", args) + " did not exit within 60 s");
        }
        return new Result(p.exitValue(), java.nio.file.Files.readString(out), java.nio.file.Files.readString(err));
    }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** Runs {@code bin/rota ARGS} against this cluster, in {@code workDir}. */
    Result rota(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("bin/rota").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("ROTA_NO_BUILD", "1");
        pb.environment().put("ROTA_ADDRESS", address());
        pb.environment().put("NO_COLOR", "1");
        try {
            Path out = Files.createTempFile(dir, "cli", ".out");
            Path err = Files.createTempFile(dir, "cli", ".err");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("rota " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs {@code bin/rota ARGS} against this cluster, in {@code workDir}, with {@code stdin} as its standard input. */
    Result rotaWithStdin(Path workDir, String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("bin/rota").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("ROTA_NO_BUILD", "1");
        pb.environment().put("ROTA_ADDRESS", address());
        pb.environment().put("NO_COLOR", "1");
        try {
            Path in = Files.createTempFile(dir, "cli", ".in");
            Files.writeString(in, stdin);
            Path out = Files.createTempFile(dir, "cli", ".out");
            Path err = Files.createTempFile(dir, "cli", ".err");
            Process p = pb.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("rota " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    JobServiceGrpc.JobServiceBlockingStub jobs() {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("rota-user", Metadata.ASCII_STRING_MARSHALLER), "it-observer");
        return JobServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** The job service as {@code user} (the {@code rota-user} header), for submitting as someone else. */
    JobServiceGrpc.JobServiceBlockingStub jobsAs(String user) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("rota-user", Metadata.ASCII_STRING_MARSHALLER), user);
        return JobServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    NodeServiceGrpc.NodeServiceBlockingStub nodes() {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("rota-user", Metadata.ASCII_STRING_MARSHALLER), "it-observer");
        return NodeServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    java.util.Optional<Node> node(String name) {
        return nodes().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
                .filter(n -> n.getName().equals(name)).findFirst();
    }

    Job job(long id) {
        return jobs().getJob(GetJobRequest.newBuilder().setJobId(id).build()).getJob();
    }

    /** Waits until job {@code id} satisfies {@code condition}; fails with the job and the logs. */
    Job awaitJob(long id, String what, Duration timeout, Predicate<Job> condition) {
        Job[] last = new Job[1];
        await("job " + id + " " + what, timeout, () -> {
            last[0] = job(id);
            return condition.test(last[0]);
        }, () -> "last seen: " + last[0]);
        return last[0];
    }

    Job awaitState(long id, JobState state, Duration timeout) {
        return awaitJob(id, "to be " + state, timeout, j -> j.getState() == state);
    }

    void await(String what, Duration timeout, Supplier<Boolean> condition) {
        await(what, timeout, condition, () -> "");
    }

    void await(String what, Duration timeout, Supplier<Boolean> condition, Supplier<String> context) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; "
                        + context.get() + "\n--- rotad log ---\n" + log("rotad"));
            }
            try {
                // Polling a remote process; there is nothing local to wait on.
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    String log(String name) {
        try {
            Path f = dir.resolve(name + ".log");
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(unreadable log: " + e.getMessage() + ")";
        }
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void stop(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
        for (Process a : agents.values()) {
            stop(a);
        }
        stop(daemon);
    }
}
