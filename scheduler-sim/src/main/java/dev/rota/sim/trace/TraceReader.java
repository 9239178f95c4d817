package dev.rota.sim.trace;

import dev.rota.core.time.SlurmTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads job traces from CSV files: the Microsoft Philly job table and Rota's generic format
 * (docs/simulator.md). Every bad line is reported as {@code file:line: problem}. Times without a
 * zone are read as UTC.
 */
public final class TraceReader {
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String ACCOUNT = "[A-Za-z0-9._@-]{1,64}";

    private TraceReader() {
    }

    /**
     * The Philly job table ({@code timestamp,duration,num_gpus,gpu_time,cluster}); the virtual
     * cluster is the account. Shares come from {@code vcNodes} ({@code vc,node num}: a VC's node
     * count is its share) when given, and then only jobs of the listed VCs are kept; otherwise every
     * VC gets 1 share.
     */
    public static Trace philly(Path jobsFile, Path vcNodes) throws IOException, TraceFormatException {
        Csv csv = Csv.read(jobsFile);
        int ts = csv.column("timestamp");
        int dur = csv.column("duration");
        int gpus = csv.column("num_gpus");
        int vc = csv.column("cluster");
        List<TraceJob> jobs = new ArrayList<>();
        for (Csv.Row r : csv.rows()) {
            jobs.add(new TraceJob(0, r.where(), r.time(ts, "timestamp"), r.seconds(dur, "duration"),
                    r.positiveInt(gpus, "num_gpus"), r.account(vc, "cluster"), null));
        }
        SortedMap<String, Long> shares = new TreeMap<>();
        if (vcNodes != null) {
            Csv v = Csv.read(vcNodes);
            int name = v.column("vc");
            int nodes = v.column("node num");
            for (Csv.Row r : v.rows()) {
                shares.put(r.account(name, "vc"), (long) r.positiveInt(nodes, "node num"));
            }
            jobs.removeIf(j -> !shares.containsKey(j.account()));
        } else {
            jobs.forEach(j -> shares.put(j.account(), 1L));
        }
        return new Trace("philly:" + jobsFile.getFileName(), Trace.ordered(jobs), shares);
    }

    /**
     * Rota's generic format: a header naming the columns {@code submit,duration,gpus,account} and
     * optionally {@code limit}, in any order; {@code #} comment lines and blank lines are skipped.
     * {@code submit} is {@code YYYY-MM-DD HH:MM:SS}, an ISO-8601 instant, or seconds (from
     * 1970-01-01T00:00:00Z); {@code duration} is seconds; {@code limit} is seconds or a Slurm time
     * ({@code 1-00:00:00}), empty for none. Every account gets 1 share.
     */
    public static Trace generic(Path file) throws IOException, TraceFormatException {
        Csv csv = Csv.read(file);
        int submit = csv.column("submit");
        int dur = csv.column("duration");
        int gpus = csv.column("gpus");
        int account = csv.column("account");
        int limit = csv.optionalColumn("limit");
        List<TraceJob> jobs = new ArrayList<>();
        SortedMap<String, Long> shares = new TreeMap<>();
        for (Csv.Row r : csv.rows()) {
            Duration l = limit < 0 ? null : r.limit(limit);
            TraceJob j = new TraceJob(0, r.where(), r.time(submit, "submit"), r.seconds(dur, "duration"),
                    r.positiveInt(gpus, "gpus"), r.account(account, "account"), l);
            jobs.add(j);
            shares.put(j.account(), 1L);
        }
        return new Trace("csv:" + file.getFileName(), Trace.ordered(jobs), shares);
    }

    /** A CSV file: its header and its data rows, with line numbers. */
    private record Csv(String file, Map<String, Integer> header, List<Row> rows) {
        static Csv read(Path path) throws IOException, TraceFormatException {
            String file = path.toString();
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            Map<String, Integer> header = null;
            int width = 0;
            List<Row> rows = new ArrayList<>();
            Map<String, String> names = new HashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (header == null) {
                    header = new HashMap<>();
                    for (int c = 0; c < cells.length; c++) {
                        if (header.put(cells[c].strip().toLowerCase(java.util.Locale.ROOT), c) != null) {
                            throw TraceFormatException.at(file, i + 1, "column '" + cells[c].strip()
                                    + "' appears twice in the header");
                        }
                    }
                    width = cells.length;
                    continue;
                }
                if (cells.length != width) {
                    throw TraceFormatException.at(file, i + 1, "expected " + width + " fields like the header, found "
                            + cells.length);
                }
                rows.add(new Row(file, i + 1, cells, names));
            }
            if (header == null) {
                throw new TraceFormatException(file + ":1: empty file: no header line");
            }
            return new Csv(file, header, rows);
        }

        int column(String name) throws TraceFormatException {
            Integer c = header.get(name);
            if (c == null) {
                throw new TraceFormatException(file + ":1: the header has no column '" + name + "' (it has "
                        + String.join(", ", new TreeMap<>(header).keySet()) + ")");
            }
            return c;
        }

        int optionalColumn(String name) {
            return header.getOrDefault(name, -1);
        }

        /**
         * A data row. {@code names} holds one String per account name of the file: the engine
         * compares and hashes accounts for every pending job in every cycle, and equal references
         * compare at once.
         */
        record Row(String file, int line, String[] cells, Map<String, String> names) {
            String where() {
                return file + ":" + line;
            }

            private String cell(int c) {
                return cells[c].strip();
            }

            private TraceFormatException bad(String column, String problem) {
                return TraceFormatException.at(file, line, column + " " + problem);
            }

            Instant time(int c, String column) throws TraceFormatException {
                String v = cell(c);
                try {
                    if (v.matches("\\d+(\\.\\d+)?")) {
                        return Instant.ofEpochMilli(Math.round(Double.parseDouble(v) * 1000));
                    }
                    if (v.endsWith("Z") || v.contains("+")) {
                        return Instant.parse(v);
                    }
                    return LocalDateTime.parse(v, v.contains("T") ? DateTimeFormatter.ISO_LOCAL_DATE_TIME : SPACED)
                            .toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException | NumberFormatException e) {
                    throw bad(column, "'" + v + "' is not a time (YYYY-MM-DD HH:MM:SS, an ISO-8601 instant or seconds)");
                }
            }

            Duration seconds(int c, String column) throws TraceFormatException {
                String v = cell(c);
                double s;
                try {
                    s = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw bad(column, "'" + v + "' is not a number of seconds");
                }
                if (!(s > 0) || Double.isInfinite(s)) {
                    throw bad(column, "must be a positive number of seconds, got '" + v + "'");
                }
                return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
            }

            int positiveInt(int c, String column) throws TraceFormatException {
                String v = cell(c);
                try {
                    int n = Integer.parseInt(v);
                    if (n >= 1) {
                        return n;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw bad(column, "must be a whole number of at least 1, got '" + v + "'");
            }

            String account(int c, String column) throws TraceFormatException {
                String v = cell(c);
                String known = names.get(v);
                if (known != null) {
                    return known;
                }
                if (!v.matches(ACCOUNT)) {
                    throw bad(column, "'" + v + "' is not an account name (letters, digits, . _ @ -; 1 to 64)");
                }
                names.put(v, v);
                return v;
            }

            Duration limit(int c) throws TraceFormatException {
                String v = cell(c);
                if (v.isEmpty()) {
                    return null;
                }
                if (v.matches("\\d+")) {
                    long s = Long.parseLong(v);
                    if (s >= 1) {
                        return Duration.ofSeconds(s);
                    }
                    throw bad("limit", "must be at least 1 second, got '" + v + "'");
                }
                try {
                    Duration d = SlurmTime.parse(v);
                    if (d.isZero() || d.isNegative()) {
                        throw bad("limit", "must be positive, got '" + v + "'");
                    }
                    return d;
                } catch (IllegalArgumentException e) {
                    throw bad("limit", "'" + v + "' is not seconds or a Slurm time (" + SlurmTime.FORMS + ")");
                }
            }
        }
    }
}
