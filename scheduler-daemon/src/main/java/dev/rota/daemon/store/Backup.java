package dev.rota.daemon.store;

import java.nio.file.Path;

/**
 * A copy of the store written by {@link RocksStateStore#checkpoint}: it opens as a store, so
 * restoring it is putting it where {@code rotad} keeps its database ({@code <data-dir>/db}).
 *
 * @param directory the absolute, normalised directory holding the copy
 * @param sizeBytes total size of its files, in bytes (files hard-linked to the live store count in full)
 * @param jobs      jobs in the copy: pending, running and finished
 */
public record Backup(Path directory, long sizeBytes, long jobs) {
    public Backup {
        if (!directory.isAbsolute()) {
            throw new IllegalArgumentException("a backup's directory is absolute: " + directory);
        }
        if (sizeBytes < 0 || jobs < 0) {
            throw new IllegalArgumentException("size and job count are not negative: " + sizeBytes + ", " + jobs);
        }
    }
}
