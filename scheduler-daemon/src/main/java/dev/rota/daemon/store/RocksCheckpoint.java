package dev.rota.daemon.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Writes a RocksDB checkpoint of a live store and reads it back, for {@link RocksStateStore#checkpoint}.
 *
 * <p>RocksDB stages the checkpoint in {@code <target>.tmp} and renames it to {@code target} only
 * when it is complete; this class then opens the copy read-only and counts its jobs, which also
 * proves that it opens. If any step fails, nothing it created is left behind.
 *
 * <p>Stateless; the caller serialises calls per store and keeps the store open meanwhile.
 */
final class RocksCheckpoint {
    /** Column families whose keys are one job each: live jobs, and finished ones where the schema keeps them apart. */
    private static final Set<String> JOB_FAMILIES = Set.of("jobs", "history");

    private RocksCheckpoint() {
    }

    /**
     * @param db       the open store's database
     * @param storeDir the store's directory (a backup may not go inside it)
     * @param target   where the copy goes: absolute, not existing, in an existing directory
     * @throws IllegalArgumentException when {@code target} is unusable, saying why
     * @throws StoreFailure when the copy cannot be written or read back; nothing is left at {@code target}
     */
    static Backup write(RocksDB db, Path storeDir, Path target) {
        Path to = checkedTarget(storeDir, target);
        Path staging = staging(to);
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            checkpoint.createCheckpoint(to.toString());
        } catch (RocksDBException e) {
            // RocksDB removes its staging directory on failure; make sure, since it did not exist before.
            String leftover = removeAll(staging);
            throw new StoreFailure("cannot write a backup of " + storeDir + " to " + to + ": " + e.getMessage()
                    + leftover, e);
        }
        try {
            long jobs = countJobs(to);
            return new Backup(to, sizeOf(to), jobs);
        } catch (RocksDBException | IOException | RuntimeException e) {
            String leftover = removeAll(to);
            throw new StoreFailure("the backup written to " + to + " cannot be read back (" + e.getMessage()
                    + "); it was removed" + leftover, e);
        }
    }

    private static Path checkedTarget(Path storeDir, Path target) {
        if (!target.isAbsolute()) {
            throw new IllegalArgumentException("the backup directory must be an absolute path, not '" + target + "'");
        }
        Path to = target.normalize();
        if (to.startsWith(storeDir.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the backup directory " + to + " is inside the store's own directory "
                    + storeDir + "; choose one elsewhere");
        }
        if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("the backup directory " + to
                    + " already exists; a backup is written to a new directory");
        }
        Path parent = to.getParent();
        if (!Files.isDirectory(parent)) {
            throw new IllegalArgumentException("the backup directory's parent " + parent
                    + (Files.exists(parent) ? " is not a directory" : " does not exist"));
        }
        if (Files.exists(staging(to), LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(staging(to) + " already exists; RocksDB stages the backup there, "
                    + "so move it away or choose another directory");
        }
        return to;
    }

    private static Path staging(Path target) {
        return target.resolveSibling(target.getFileName() + ".tmp");
    }

    /** Opens the copy read-only (replaying its WAL in memory, writing nothing) and counts its jobs. */
    private static long countJobs(Path copy) throws RocksDBException {
        List<byte[]> names;
        try (Options listing = new Options()) {
            names = RocksDB.listColumnFamilies(listing, copy.toString());
        }
        try (ColumnFamilyOptions cfOptions = new ColumnFamilyOptions(); DBOptions options = new DBOptions()) {
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] name : names) {
                descriptors.add(new ColumnFamilyDescriptor(name, cfOptions));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (RocksDB readOnly = RocksDB.openReadOnly(options, copy.toString(), descriptors, handles)) {
                try {
                    long jobs = 0;
                    for (int i = 0; i < names.size(); i++) {
                        if (JOB_FAMILIES.contains(new String(names.get(i), StandardCharsets.UTF_8))) {
                            jobs += keys(readOnly, handles.get(i));
                        }
                    }
                    return jobs;
                } finally {
                    handles.forEach(ColumnFamilyHandle::close);
                }
            }
        }
    }

    private static long keys(RocksDB db, ColumnFamilyHandle family) throws RocksDBException {
        long count = 0;
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                count++;
            }
            it.status();
        }
        return count;
    }

    private static long sizeOf(Path dir) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(f);
                }
            }
        }
        return total;
    }

    /** Deletes {@code dir} and everything in it, if it exists; "" when done, else what is left, for a message. */
    private static String removeAll(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return "";
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
            return "";
        } catch (IOException | RuntimeException e) {
            return " (could not remove " + dir + ": " + e.getMessage() + "; delete it by hand)";
        }
    }
}
