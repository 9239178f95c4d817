package dev.rota.agent.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The fake {@code nvidia-smi} and {@code dmesg} of {@code src/test/resources/fake-nvidia-smi/}
 * installed in a directory, with their state files next to them; see the scripts' headers for what
 * each file does. Writes are atomic (write, then rename), so a concurrent poll never sees half a file.
 */
public final class FakeNvidiaSmi {

    /** The columns of {@link #gpus}: what the inventory and the health query ask for. */
    public static final String HEADER = "index, uuid, name, memory.total, pci.bus_id, temperature.gpu, power.draw, "
            + "ecc.errors.uncorrected.volatile.total, retired_pages.pending, clocks_throttle_reasons.active";

    private final Path dir;

    private FakeNvidiaSmi(Path dir) {
        this.dir = dir;
    }

    /** Copies both scripts into {@code dir} (created if needed) with {@code count} healthy H100s. */
    public static FakeNvidiaSmi install(Path dir, int count) {
        try {
            Files.createDirectories(dir);
            for (String name : List.of("nvidia-smi", "dmesg")) {
                try (InputStream in = FakeNvidiaSmi.class.getResourceAsStream("/fake-nvidia-smi/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("test resource /fake-nvidia-smi/" + name + " is missing");
                    }
                    Path target = dir.resolve(name);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FakeNvidiaSmi fake = new FakeNvidiaSmi(dir);
        fake.gpus(healthyRows(count));
        return fake;
    }

    /** Rows for {@code count} healthy H100s at 40 C, indexes from 0, UUIDs {@code GPU-fake-smi-N}. */
    public static String healthyRows(int count) {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < count; i++) {
            rows.append(row(i, 40, 0, "0x0000000000000004")).append('\n');
        }
        return rows.toString();
    }

    /** One row of {@link #HEADER} for GPU {@code index}. */
    public static String row(int index, int temperatureC, int eccUncorrected, String throttle) {
        return index + ", " + uuid(index) + ", NVIDIA H100 80GB HBM3, 81559, " + bus(index) + ", " + temperatureC
                + ", 120.50, " + eccUncorrected + ", [N/A], " + throttle;
    }

    public static String uuid(int index) {
        return "GPU-fake-smi-" + index;
    }

    /** The PCI bus id of GPU {@code index} as nvidia-smi writes it: {@code 00000000:1N:00.0}. */
    public static String bus(int index) {
        return String.format(java.util.Locale.ROOT, "00000000:%02X:00.0", 0x18 + index);
    }

    /** The same address as an XID line names it: {@code 0000:1n:00}. */
    public static String xidAddress(int index) {
        return String.format(java.util.Locale.ROOT, "0000:%02x:00", 0x18 + index);
    }

    public Path dir() {
        return dir;
    }

    public Path nvidiaSmi() {
        return dir.resolve("nvidia-smi");
    }

    /** Replaces the GPU rows (under {@link #HEADER}). */
    public void gpus(String rows) {
        write("gpus.csv", HEADER + "\n" + rows);
    }

    /** Replaces the GPU table, header included. */
    public void gpuTable(String table) {
        write("gpus.csv", table);
    }

    /** Replaces what the fake dmesg prints. */
    public void kernelLog(String text) {
        write("kernel.log", text);
    }

    /** Appends an XID line for GPU {@code index} to the kernel log. */
    public void xid(int index, int xid, String message) {
        String before = read("kernel.log");
        kernelLog((before.isEmpty() ? "[    0.000000] Linux version 6.8.0 (fake)\n" : before)
                + "[ 1234.567890] NVRM: Xid (PCI:" + xidAddress(index) + "): " + xid + ", pid=4242, name=python, "
                + message + "\n");
    }

    /** Writes state file {@code name} (e.g. {@code exit-code}, {@code errors.txt}, {@code hang}). */
    public void write(String name, String content) {
        try {
            Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void remove(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every call's arguments so far, one line per call. */
    public List<String> calls() {
        String log = read("calls.log");
        return log.isEmpty() ? List.of() : log.lines().toList();
    }

    private String read(String name) {
        try {
            Path p = dir.resolve(name);
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
