package dev.rota.cli;

import dev.rota.agent.v1.ReadOutputRequest;
import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.Node;
import dev.rota.cli.channel.DaemonAddress;
import dev.rota.cli.json.JsonWriter;
import io.grpc.ManagedChannel;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code rota logs}: a job's output, read from the agent of the node that writes it (the job's
 * first node unless --node), so no shared file system is needed. The daemon says which node and
 * where its agent listens; the bytes come straight from the agent.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print a job's output (or its error file with --err), served by the agent of the node "
                + "that runs it: no shared file system needed.",
                "-f follows the output until the job ends."})
final class LogsCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "JOB", converter = QueueCommand.JobIdConverter.class, description = "The job id.")
    private long id;

    @Option(names = {"-f", "--follow"}, description = "Keep printing what the job writes until it ends.")
    private boolean follow;

    @Option(names = "--err", description = "The error file (the same as the output unless the job split them).")
    private boolean stderr;

    @Option(names = "--node", paramLabel = "NODE",
            description = "Read from this node's agent (default: the job's first node, where its script runs).")
    private String node;

    @Option(names = "--json", description = "Print {\"job_id\", \"node\", \"path\", \"output\"} once read "
            + "(see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        Job job = rota.daemon().job(id);
        if (job.getAllocationCount() == 0) {
            throw new Failure(job.getState() == JobState.JOB_STATE_PENDING
                    ? "job " + id + " has not started yet: its output appears once it runs (rota watch " + id + ")"
                    : "job " + id + " never ran on a node, so it has no output");
        }
        String batchNode = job.getAllocation(0).getNode();
        String from = node != null ? node : batchNode;
        if (job.getAllocationList().stream().noneMatch(a -> a.getNode().equals(from))) {
            throw new Failure("job " + id + " did not run on node " + from + " (its nodes: " + job.getNodelist() + ")");
        }
        Node agentNode = rota.daemon().nodes().stream().filter(n -> n.getName().equals(from)).findFirst()
                .orElseThrow(() -> new Failure("node " + from + " is no longer known to the daemon"));
        if (agentNode.getAddress().isEmpty()) {
            throw new Failure("node " + from + " has no agent address (has its agent ever connected?)");
        }
        DaemonAddress address;
        try {
            address = DaemonAddress.parse(agentNode.getAddress());
        } catch (IllegalArgumentException e) {
            throw new Failure("node " + from + " registered an unusable agent address '" + agentNode.getAddress() + "'");
        }
        ReadOutputRequest request = ReadOutputRequest.newBuilder().setJobId(id).setStderr(stderr)
                .setFollow(follow && !json).build();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        StringBuilder collected = new StringBuilder();
        String[] path = {""};
        ManagedChannel channel = rota.open(address);
        try {
            ByteBuffer[] carry = {ByteBuffer.allocate(0)};
            rota.daemon().readOutput(channel, from, request, chunk -> {
                if (!chunk.getPath().isEmpty()) {
                    path[0] = chunk.getPath();
                }
                ByteBuffer in = ByteBuffer.allocate(carry[0].remaining() + chunk.getData().size());
                in.put(carry[0]).put(chunk.getData().asReadOnlyByteBuffer()).flip();
                CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
                decoder.decode(in, out, false); // an incomplete last character waits for the next chunk
                out.flip();
                carry[0] = in.slice();
                if (json) {
                    collected.append(out);
                } else {
                    rota.out().append(out);
                    rota.out().flush();
                }
            });
            CharBuffer rest = CharBuffer.allocate(carry[0].remaining() + 1);
            decoder.decode(carry[0], rest, true);
            decoder.flush(rest);
            rest.flip();
            if (json) {
                collected.append(rest);
                rota.out().print(new JsonWriter().beginObject().name("job_id").value(id).name("node").value(from)
                        .name("path").value(path[0].isEmpty() ? null : path[0])
                        .name("output").value(collected.toString()).endObject().toJson());
            } else {
                rota.out().append(rest);
            }
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }
}
