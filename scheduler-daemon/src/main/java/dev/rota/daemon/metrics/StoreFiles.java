package dev.rota.daemon.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The size of the RocksDB store on disk, read from its directory: write-ahead log files
 * ({@code *.log}) and table files ({@code *.sst}). Reading the directory, not RocksDB, keeps the
 * metrics away from the store's handle and costs one directory listing per scrape.
 *
 * @param walBytes bytes in write-ahead log files not yet deleted
 * @param sstBytes bytes in table files, live or awaiting deletion
 */
public record StoreFiles(long walBytes, long sstBytes) {

    /**
     * Sizes the files in {@code dir} now. Files that vanish during the listing (compaction) count as
     * zero.
     *
     * @throws UncheckedIOException when the directory cannot be listed
     */
    public static StoreFiles in(Path dir) {
        long wal = 0;
        long sst = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                boolean isWal = name.endsWith(".log") && !name.startsWith("LOG");
                if (!isWal && !name.endsWith(".sst")) {
                    continue;
                }
                long size;
                try {
                    size = Files.readAttributes(f, BasicFileAttributes.class).size();
                } catch (IOException gone) {
                    size = 0;
                }
                if (isWal) {
                    wal += size;
                } else {
                    sst += size;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return new StoreFiles(wal, sst);
    }
}
