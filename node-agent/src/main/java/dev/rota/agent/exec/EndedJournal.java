package dev.rota.agent.exec;

import dev.rota.agent.v1.AgentJournal;
import dev.rota.agent.v1.AllocationEnded;
import dev.rota.agent.v1.AllocationRef;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.logging.Logger;

/**
 * The agent's small local file of job exits the daemon has not released yet, and of recently
 * released allocations: what an agent restart must not forget. Without it, a job that finished
 * while rotad was down and whose agent then restarted would look lost to rotad, which would
 * requeue it and run a finished job a second time.
 *
 * <p>The file is rewritten whole on every change: written to a temporary file, synced, renamed
 * over the old one, and the directory synced. A crash leaves either the old or the new content,
 * never a torn file. Changes are per job end and per release, so the cost (two fsyncs, a few KiB)
 * does not matter.
 *
 * <p>Not thread-safe: the caller serialises {@link #write} calls (and must, so that an older state
 * never overwrites a newer one).
 */
public final class EndedJournal {
    /** The journal format this agent writes; it refuses files with a higher version. */
    static final int VERSION = 1;
    static final String FILE_NAME = "agent-journal.pb";

    private static final Logger LOG = Logger.getLogger(EndedJournal.class.getName());

    private final Path file;

    /** The journal kept in {@code dir} (created on first write). */
    public EndedJournal(Path dir) {
        this.file = dir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** What the journal held; empty if there is no journal yet. */
    public record Contents(List<AllocationEnded> ended, List<AllocationRef> released) {
        public Contents {
            ended = List.copyOf(ended);
            released = List.copyOf(released);
        }

        static final Contents EMPTY = new Contents(List.of(), List.of());
    }

    /**
     * Reads the journal. A file that cannot be parsed is moved aside to {@code <name>.corrupt} and
     * reported in the log, and the agent starts with nothing remembered: rotad then treats the
     * missing exits as a node failure (requeue), which is safe, rather than the agent refusing to
     * start.
     *
     * @throws IOException when the file exists but cannot be read, or was written by a newer agent
     */
    public Contents read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Contents.EMPTY;
        }
        AgentJournal journal;
        try {
            journal = AgentJournal.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            Path aside = file.resolveSibling(FILE_NAME + ".corrupt");
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.severe("agent journal " + file + " is corrupt (" + e.getMessage() + "); moved to " + aside
                    + " and starting without it: jobs that ended while rotad was away will be treated as lost");
            return Contents.EMPTY;
        }
        if (journal.getVersion() > VERSION) {
            throw new IOException("agent journal " + file + " has version " + journal.getVersion()
                    + ", written by a newer rota-agent; this agent reads up to version " + VERSION);
        }
        return new Contents(journal.getEndedList(), journal.getReleasedList());
    }

    /** Replaces the journal's contents atomically and durably. */
    public void write(List<AllocationEnded> ended, List<AllocationRef> released) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] bytes = AgentJournal.newBuilder().setVersion(VERSION).addAllEnded(ended).addAllReleased(released)
                .build().toByteArray();
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            var buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(file.getParent());
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is still atomic there.
            LOG.fine(() -> "cannot sync directory " + dir + ": " + e.getMessage());
        }
    }
}
