package dev.rota.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.rota.api.v1.GetJobRequest;
import dev.rota.api.v1.JobServiceGrpc;
import dev.rota.api.v1.JobSpec;
import dev.rota.api.v1.ListJobsRequest;
import dev.rota.api.v1.SubmitJobRequest;
import dev.rota.core.job.Job;
import dev.rota.core.job.JobState;
import dev.rota.core.job.NodeAllocation;
import dev.rota.daemon.store.RocksStateStore;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety, proven by crashing: the real rotad (bin/rotad, its own JVM) takes submissions from
 * concurrent clients and is SIGKILLed at seeded random moments, most of them in the middle of a burst,
 * then restarted on the same data, over and over. A real rota-agent with 8 fake GPUs runs the jobs
 * that fit, so jobs start and end between and across the kills.
 *
 * <p>After every kill the store on disk (opened by the test while rotad is dead) must hold every
 * acknowledged job exactly once with the spec that was sent, no job the clients never sent, no id
 * given to two jobs or to another job than before, and only states the lifecycle allows: reachable
 * from what the previous crash left, consistent in themselves, no GPU held twice. Calls that failed
 * because of the kill may or may not have been stored, but never twice. At the end the restarted
 * daemon must serve every acknowledged job.
 *
 * <p>The seed is {@code -Drota.crash.seed=N} (default fixed), so a failure replays the same kill
 * schedule and specs; timing still varies from run to run.
 */
class CrashIT {
    private static final long SEED = Long.getLong("rota.crash.seed", 20261123L);
    private static final int ROUNDS = 12;
    private static final int CLIENTS = 8;
    private static final int NODE_GPUS = 8;
    private static final String USER = "crash-test";
    private static final java.time.Duration START = java.time.Duration.ofSeconds(60);
    private static final Pattern SERVING = Pattern.compile("serving gRPC on");
    private static final Metadata.Key<String> USER_HEADER = Metadata.Key.of("rota-user",
            Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    Path dir;
    private Path data;
    private Path work;
    private String address;
    private String metricsAddress;

    @Test
    void acknowledged_jobs_survive_every_sigkill_exactly_once_with_their_specs() throws Exception {
        Random random = new Random(SEED);
        data = dir.resolve("data");
        work = Files.createDirectories(dir.resolve("work"));
        address = "127.0.0.1:" + freePort();
        metricsAddress = "127.0.0.1:" + freePort();
        SubmissionLedger ledger = new SubmissionLedger();
        Audit audit = new Audit(ledger);

        LaunchedProcess rotad = startRotad();
        try (LaunchedProcess agent = LaunchedProcess.start("rota-agent", dir.resolve("agent.log"), "--name",
                "node-1", "--daemon", address, "--fake-gpus", Integer.toString(NODE_GPUS), "--heartbeat", "1",
                "--spool-dir", dir.resolve("spool").toString(), "--jobs-as-agent-user", "--allow-root-jobs")) {
            agent.awaitLine(Pattern.compile("registered with rotad"), START);
            for (int round = 1; round <= ROUNDS; round++) {
                // Three rounds in four kill in the middle of a burst; the fourth lets the burst finish.
                boolean midBurst = round % 4 != 0;
                ManagedChannel channel = channel();
                SubmitBurst burst = new SubmitBurst(channel, ledger, round, random.nextLong());
                try {
                    if (round == 1) {
                        burst.awaitFeasible(START);
                    }
                    burst.start();
                    long target = ledger.acknowledgedCount() + 1 + random.nextInt(midBurst ? 1500 : 400);
                    assertThat(ledger.awaitAcknowledged(target, START))
                            .as("round %d: %d acknowledgements within %s s; rotad log:\n%s", round, target,
                                    START.toSeconds(), rotad.output()).isTrue();
                    if (!midBurst) {
                        burst.stopAndJoin();
                    }
                    burst.crashing();
                    rotad.kill();
                    burst.stopAndJoin();
                } finally {
                    channel.shutdownNow();
                }
                List<Job> stored = storedJobs();
                audit.check("after kill " + round, stored);
                System.out.printf("CrashIT round %d: killed %s; %d acknowledged, %d calls cut, %d jobs stored%n",
                        round, midBurst ? "mid-burst" : "after the burst", ledger.acknowledged().size(),
                        ledger.failures().size(), stored.size());
                rotad = startRotad();
            }
            ManagedChannel channel = channel();
            try {
                audit.checkServed(channel);
            } finally {
                channel.shutdownNow();
            }
        } finally {
            rotad.close();
        }
        audit.check("after the last shutdown", storedJobs());
        assertThat(ledger.violations()).as("what the clients saw").isEmpty();
        assertThat(ledger.acknowledged().size()).as("acknowledged submissions").isGreaterThan(ROUNDS * 2);
        assertThat(ledger.failures()).as("calls cut by a kill").isNotEmpty();
    }

    /** Starts rotad on the same data and ports and waits until it serves; checks it is the JVM itself. */
    private LaunchedProcess startRotad() {
        LaunchedProcess rotad = LaunchedProcess.start("rotad", dir.resolve("rotad.log"), "--data-dir",
                data.toString(), "--listen", address, "--metrics-listen", metricsAddress, "--kill-grace", "1");
        rotad.awaitLine(SERVING, START);
        assertThat(rotad.command()).as("bin/rotad execs the JVM, so SIGKILL hits rotad itself").endsWith("java");
        return rotad;
    }

    private ManagedChannel channel() {
        return NettyChannelBuilder.forTarget(address).usePlaintext().maxInboundMessageSize(256 << 20).build();
    }

    /** Everything on disk: live jobs and the whole history, read with rotad stopped. */
    private List<Job> storedJobs() {
        try (RocksStateStore store = RocksStateStore.open(data.resolve("db"))) {
            return store.load(Integer.MAX_VALUE).jobs();
        }
    }

    private static JobServiceGrpc.JobServiceBlockingStub jobs(ManagedChannel channel) {
        Metadata h = new Metadata();
        h.put(USER_HEADER, USER);
        return JobServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #CLIENTS} threads submitting back to back, each job with a unique name and a random but
     * valid spec (1 node, 1 to 8 GPUs, a short script, a time limit from a minute to a day).
     */
    private final class SubmitBurst {
        private final ManagedChannel channel;
        private final SubmissionLedger ledger;
        private final int round;
        private final long seed;
        private final List<Thread> clients = new ArrayList<>();
        private volatile boolean stopping;
        private volatile boolean crashing;

        SubmitBurst(ManagedChannel channel, SubmissionLedger ledger, int round, long seed) {
            this.channel = channel;
            this.ledger = ledger;
            this.round = round;
            this.seed = seed;
        }

        /** Submits a first job until it is not refused as infeasible: the engine has seen the node. */
        void awaitFeasible(java.time.Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            Random r = new Random(seed);
            for (int attempt = 0; ; attempt++) {
                String name = "crash-probe-" + attempt;
                JobSpec spec = spec(name, r);
                ledger.sending(name, spec);
                try {
                    ledger.acknowledged(name, jobs(channel).submitJob(SubmitJobRequest.newBuilder().setSpec(spec)
                            .build()).getJobId());
                    return;
                } catch (StatusRuntimeException e) {
                    ledger.failed(name, e.getStatus().getCode());
                    if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION || System.nanoTime() > deadline) {
                        throw e;
                    }
                    // The agent saw its registration answered; the engine takes it a moment later.
                    new java.util.concurrent.CountDownLatch(1).await(50, TimeUnit.MILLISECONDS);
                }
            }
        }

        void start() {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread t = new Thread(() -> submitUntilStopped(client), "crash-client-" + round + "-" + c);
                t.setDaemon(true);
                clients.add(t);
                t.start();
            }
        }

        private void submitUntilStopped(int client) {
            Random r = new Random(seed * 31 + client);
            JobServiceGrpc.JobServiceBlockingStub stub = jobs(channel);
            for (int seq = 0; !stopping; seq++) {
                String name = "crash-r" + round + "-c" + client + "-" + seq;
                JobSpec spec = spec(name, r);
                ledger.sending(name, spec);
                try {
                    long id = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                            .submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getJobId();
                    ledger.acknowledged(name, id);
                } catch (StatusRuntimeException e) {
                    ledger.failed(name, e.getStatus().getCode());
                    if (!crashing) {
                        ledger.violation("submit " + name + " failed while rotad was up: " + e.getStatus());
                    }
                    return;
                }
            }
        }

        /** From now on, failures are the kill's doing. */
        void crashing() {
            crashing = true;
        }

        void stopAndJoin() throws InterruptedException {
            stopping = true;
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
            }
        }

        private JobSpec spec(String name, Random r) {
            String script = "#!/bin/bash\n# " + name + "\n" + (r.nextInt(4) == 0 ? "sleep 0.5\n" : "")
                    + "exit " + r.nextInt(3) + "\n";
            return JobSpec.newBuilder().setName(name).setNodes(1).setGpusPerNode(1 + r.nextInt(NODE_GPUS))
                    .setTimeLimit(Duration.newBuilder().setSeconds(60 + r.nextInt(86_400)))
                    .setScript(script).setWorkingDir(work.toString())
                    .putEnvironment("PATH", System.getenv("PATH")).build();
        }
    }

    /**
     * Checks each picture of the stored jobs against what was sent and acknowledged, and against the
     * picture before: nothing acknowledged lost or duplicated, specs intact, ids stable, states legal.
     */
    private static final class Audit {
        private final SubmissionLedger ledger;
        /** Every id seen so far, with the name it belonged to and its last state. */
        private final Map<Long, String> names = new HashMap<>();
        private final Map<Long, JobState> states = new HashMap<>();

        Audit(SubmissionLedger ledger) {
            this.ledger = ledger;
        }

        void check(String when, List<Job> stored) {
            List<String> problems = new ArrayList<>();
            Map<String, Long> acknowledged = ledger.acknowledged();
            Map<String, Job> byName = new HashMap<>();
            Map<Long, Job> byId = new HashMap<>();
            Set<String> heldGpus = new HashSet<>();
            for (Job job : stored) {
                long id = job.id().value();
                String name = job.spec().name();
                if (byId.put(id, job) != null) {
                    problems.add("id " + id + " stored twice");
                }
                Job sameName = byName.put(name, job);
                if (sameName != null) {
                    problems.add("submission " + name + " stored twice: jobs " + sameName.id() + " and " + id);
                }
                JobSpec sent = ledger.sentSpec(name);
                if (sent == null) {
                    problems.add("job " + id + " (" + name + ") was never submitted");
                    continue;
                }
                specProblems(job, sent).forEach(p -> problems.add("job " + id + " (" + name + "): " + p));
                String earlierName = names.putIfAbsent(id, name);
                if (earlierName != null && !earlierName.equals(name)) {
                    problems.add("id " + id + " was " + earlierName + ", now " + name + ": an id was reused");
                }
                JobState before = states.put(id, job.state());
                if (before != null && !reachable(before, job.state())) {
                    problems.add("job " + id + " went " + before + " -> " + job.state()
                            + ", which the lifecycle forbids");
                }
                lifecycleProblems(job).forEach(p -> problems.add("job " + id + " (" + job.state() + "): " + p));
                if (job.state() == JobState.RUNNING) {
                    for (NodeAllocation a : job.allocation()) {
                        for (int gpu : a.gpus()) {
                            if (!heldGpus.add(a.node() + "/" + gpu)) {
                                problems.add("GPU " + gpu + " of " + a.node() + " held twice (job " + id + ")");
                            }
                        }
                    }
                }
            }
            acknowledged.forEach((name, id) -> {
                Job job = byName.get(name);
                if (job == null) {
                    problems.add("acknowledged job " + id + " (" + name + ") is lost");
                } else if (job.id().value() != id) {
                    problems.add("acknowledged job " + name + " was given id " + id + " but is stored as "
                            + job.id());
                }
            });
            for (Long id : names.keySet()) {
                if (!byId.containsKey(id)) {
                    problems.add("job " + id + " (" + names.get(id) + "), stored before, is gone");
                }
            }
            assertThat(problems).as("%s: %d stored jobs, %d acknowledged, %d calls cut", when, stored.size(),
                    acknowledged.size(), ledger.failures().size()).isEmpty();
        }

        /** The restarted daemon serves every acknowledged job under its id, with its spec. */
        void checkServed(ManagedChannel channel) {
            Map<Long, dev.rota.api.v1.Job> served = new HashMap<>();
            for (dev.rota.api.v1.Job j : jobs(channel).listJobs(ListJobsRequest.newBuilder().setIncludeFinished(true)
                    .build()).getJobsList()) {
                served.put(j.getId(), j);
            }
            List<String> problems = new ArrayList<>();
            ledger.acknowledged().forEach((name, id) -> {
                dev.rota.api.v1.Job job = served.get(id);
                if (job == null) {
                    // Finished long enough ago to have left memory: the history still has it.
                    job = jobs(channel).getJob(GetJobRequest.newBuilder().setJobId(id).build()).getJob();
                }
                JobSpec sent = ledger.sentSpec(name);
                if (!job.getSpec().getName().equals(name) || job.getSpec().getNodes() != sent.getNodes()
                        || job.getSpec().getGpusPerNode() != sent.getGpusPerNode()
                        || !job.getSpec().getTimeLimit().equals(sent.getTimeLimit()) || !job.getUser().equals(USER)) {
                    problems.add("job " + id + " served as " + job.getSpec() + " for user " + job.getUser()
                            + ", sent as " + sent);
                }
            });
            assertThat(problems).as("jobs served after the last restart").isEmpty();
        }

        private static List<String> specProblems(Job job, JobSpec sent) {
            List<String> out = new ArrayList<>();
            var s = job.spec();
            if (s.nodes() != sent.getNodes() || s.gpusPerNode() != sent.getGpusPerNode()) {
                out.add("stored " + s.nodes() + " node(s) x " + s.gpusPerNode() + " GPUs, sent " + sent.getNodes()
                        + " x " + sent.getGpusPerNode());
            }
            if (!s.script().equals(sent.getScript())) {
                out.add("stored script differs from the one sent");
            }
            if (s.timeLimit().toSeconds() != sent.getTimeLimit().getSeconds()) {
                out.add("stored time limit " + s.timeLimit() + ", sent " + sent.getTimeLimit().getSeconds() + " s");
            }
            if (!s.workingDir().equals(sent.getWorkingDir()) || !s.user().equals(USER)) {
                out.add("stored working dir " + s.workingDir() + " and user " + s.user());
            }
            return out;
        }

        /** What must hold of a job in each state, whatever happened before. */
        private static List<String> lifecycleProblems(Job job) {
            List<String> out = new ArrayList<>();
            switch (job.state()) {
                case PENDING -> {
                    if (job.endTime() != null || job.exitCode().isPresent()) {
                        out.add("pending with an end time or exit code");
                    }
                }
                case RUNNING -> {
                    if (job.allocation().isEmpty() || job.startTime() == null || job.attempt() < 1) {
                        out.add("running without allocation, start time or attempt");
                    }
                }
                default -> {
                    if (job.endTime() == null) {
                        out.add("ended without an end time");
                    }
                    if (job.state() == JobState.COMPLETED && job.exitCode().orElse(-1) != 0) {
                        out.add("completed with exit code " + job.exitCode());
                    }
                }
            }
            return out;
        }

        /** Whether the lifecycle allows reaching {@code to} from {@code from} in zero or more moves. */
        private static boolean reachable(JobState from, JobState to) {
            Set<JobState> seen = EnumSet.of(from);
            ArrayDeque<JobState> next = new ArrayDeque<>(List.of(from));
            while (!next.isEmpty()) {
                for (JobState s : next.poll().successors()) {
                    if (seen.add(s)) {
                        next.add(s);
                    }
                }
            }
            return seen.contains(to);
        }
    }
}
