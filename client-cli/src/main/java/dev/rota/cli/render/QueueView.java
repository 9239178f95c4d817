package dev.rota.cli.render;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobState;
import dev.rota.cli.render.Table.Column;
import dev.rota.cli.slurm.SlurmStates;
import dev.rota.core.time.SlurmTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code rota queue}'s rows, with squeue's field letters ({@code --format}, {@code --sort}).
 *
 * <p>Fields: %i job id, %P partition, %j name, %u user, %t state code, %T state, %M time used,
 * %l time limit, %D nodes, %R nodelist or (reason), %r reason, %N nodelist, %C CPUs (tasks),
 * %b GPUs per node (TRES_PER_NODE), %S start time (actual, else estimated), %e end time,
 * %V submit time, %a account, %q QoS, %Q priority.
 *
 * <p>A format is squeue's: text, and fields written {@code %[.][WIDTH]LETTER} ({@code %%} is a
 * percent sign). A width pads and cuts the field to exactly that many characters; without one the
 * field is as wide as its widest value. {@code .} aligns it right ({@code -}, left, is the default).
 * The default views are tables: fitted to the terminal and coloured; a given format is printed as
 * written. Immutable.
 */
public final class QueueView {
    /** The default columns: squeue's JOBID PARTITION NAME USER ST TIME NODES NODELIST(REASON). */
    public static final String DEFAULT_FORMAT = "%.i %P %j %u %t %.M %.D %R";
    /** squeue --start: START_TIME in place of TIME. */
    public static final String START_FORMAT = "%.i %P %j %u %t %S %.D %R";

    /**
     * What a field needs beyond the job: now (time used), the zone times are shown in, and each
     * pending job's priority when the daemon was asked for it.
     */
    public record Context(Instant now, ZoneId zone, Map<Long, Long> priorities) {
    }

    /** One field letter: header, alignment, how to show it and how to sort by it. */
    record Field(char letter, String header, boolean numeric, Function<Job, String> shown,
            Function<Job, Comparable<?>> key) {
    }

    private final Map<Character, Field> fields;
    private final List<Object> parts;
    private final Context context;

    private final boolean columnar;

    private QueueView(Context context, List<Object> parts, boolean columnar) {
        this.columnar = columnar;
        this.context = context;
        this.fields = fields(context);
        this.parts = parts;
    }

    /** A spec of one field in a format: its letter, fixed width (0: as wide as needed) and side. */
    private record Spec(char letter, int width, boolean right) {
    }

    /** The letters {@code --format} and {@code --sort} accept. */
    public static final String LETTERS = "iPjutTMlDRrNCbSeVaqQ";

    /**
     * @throws IllegalArgumentException naming the bad part of {@code format}
     */
    public static QueueView of(String format, Context context) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                literal.append(c);
                continue;
            }
            int start = i;
            i++;
            if (i < format.length() && format.charAt(i) == '%') {
                literal.append('%');
                continue;
            }
            boolean right = false;
            if (i < format.length() && (format.charAt(i) == '.' || format.charAt(i) == '-')) {
                right = format.charAt(i) == '.';
                i++;
            }
            int width = 0;
            while (i < format.length() && Character.isDigit(format.charAt(i)) && width < 1000) {
                width = width * 10 + (format.charAt(i) - '0');
                i++;
            }
            if (i >= format.length() || LETTERS.indexOf(format.charAt(i)) < 0) {
                throw new IllegalArgumentException("unknown field '" + format.substring(start, Math.min(i + 1,
                        format.length())) + "' in format '" + format + "' (fields: " + letterList() + ")");
            }
            if (!literal.isEmpty()) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            parts.add(new Spec(format.charAt(i), width, right));
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        // The built-in views are tables (fitted, coloured); a user's format is kept as written.
        return new QueueView(context, parts, format.equals(DEFAULT_FORMAT) || format.equals(START_FORMAT));
    }

    /** Whether the format shows priorities (the caller must then fetch them). */
    public boolean needsPriorities() {
        return parts.stream().anyMatch(p -> p instanceof Spec s && s.letter() == 'Q');
    }

    /** "%i, %P, ..." for messages. */
    static String letterList() {
        return String.join(" ", LETTERS.chars().mapToObj(c -> "%" + (char) c).toList());
    }

    /**
     * Sorts {@code jobs} by squeue sort keys: letters separated by commas, each optionally
     * preceded by {@code -} (descending) or {@code +}. Ties keep the given order (job id).
     *
     * @throws IllegalArgumentException naming a key that is not a field letter
     */
    public static List<Job> sort(List<Job> jobs, String keys, Context context) {
        Map<Character, Field> fields = fields(context);
        Comparator<Job> order = null;
        for (String key : keys.split(",")) {
            String k = key.strip();
            boolean descending = k.startsWith("-");
            if (k.startsWith("-") || k.startsWith("+")) {
                k = k.substring(1);
            }
            if (k.length() != 1 || !fields.containsKey(k.charAt(0))) {
                throw new IllegalArgumentException("unknown sort key '" + key + "' (use field letters such as i, P, t, u, "
                        + "-S; see --help)");
            }
            Field f = fields.get(k.charAt(0));
            @SuppressWarnings({"unchecked", "rawtypes"})
            Comparator<Job> by = Comparator.comparing(j -> (Comparable) f.key().apply(j),
                    Comparator.nullsLast(Comparator.naturalOrder()));
            by = descending ? by.reversed() : by;
            order = order == null ? by : order.thenComparing(by);
        }
        List<Job> sorted = new ArrayList<>(jobs);
        if (order != null) {
            sorted.sort(order);
        }
        return sorted;
    }

    /** The table: fitted to the terminal and coloured (ST, STATE) when the format is the default one. */
    public String render(List<Job> jobs, boolean header, Terminal terminal) {
        return columnar ? asTable(jobs, header, terminal) : asFormat(jobs, header);
    }

    private String asTable(List<Job> jobs, boolean header, Terminal terminal) {
        List<Spec> specs = parts.stream().filter(Spec.class::isInstance).map(Spec.class::cast).toList();
        List<Column> columns = specs.stream().map(s -> new Column(fields.get(s.letter()).header(), s.right())).toList();
        Table table = new Table(columns);
        if (!header) {
            table.withoutHeader();
        }
        for (int c = 0; c < specs.size(); c++) {
            char letter = specs.get(c).letter();
            if (letter == 't' || letter == 'T') {
                table.colour(c, QueueView::stateColour);
            }
        }
        for (Job job : jobs) {
            table.row(specs.stream().map(s -> fields.get(s.letter()).shown().apply(job)).toList());
        }
        return table.render(terminal);
    }

    /** SGR codes: running green, pending yellow, failures red, cancelled magenta. */
    static String stateColour(String state) {
        return switch (state) {
            case "R", "RUNNING" -> "32";
            case "PD", "PENDING" -> "33";
            case "F", "FAILED", "TO", "TIMEOUT", "NF", "NODE_FAIL" -> "31";
            case "CA", "CANCELLED" -> "35";
            default -> null;
        };
    }

    private String asFormat(List<Job> jobs, boolean header) {
        Map<Spec, Integer> widths = new LinkedHashMap<>();
        for (Object p : parts) {
            if (p instanceof Spec s && s.width() == 0) {
                int w = header ? fields.get(s.letter()).header().length() : 0;
                for (Job job : jobs) {
                    w = Math.max(w, fields.get(s.letter()).shown().apply(job).length());
                }
                widths.put(s, w);
            }
        }
        StringBuilder out = new StringBuilder();
        if (header) {
            line(out, s -> fields.get(s.letter()).header(), widths);
        }
        for (Job job : jobs) {
            line(out, s -> fields.get(s.letter()).shown().apply(job), widths);
        }
        return out.toString();
    }

    private void line(StringBuilder out, Function<Spec, String> value, Map<Spec, Integer> widths) {
        StringBuilder line = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String text) {
                line.append(text);
                continue;
            }
            Spec s = (Spec) p;
            int width = s.width() > 0 ? s.width() : widths.get(s);
            String cell = value.apply(s);
            if (s.width() > 0 && cell.length() > width) {
                cell = cell.substring(0, width); // squeue cuts fixed-width fields silently
            }
            String padding = " ".repeat(width - cell.length());
            line.append(s.right() ? padding + cell : cell + padding);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static Map<Character, Field> fields(Context context) {
        Map<Character, Field> f = new LinkedHashMap<>();
        add(f, 'i', "JOBID", true, j -> Long.toUnsignedString(j.getId()), Job::getId);
        add(f, 'P', "PARTITION", false, JobFields::partition, JobFields::partition);
        add(f, 'j', "NAME", false, j -> j.getSpec().getName(), j -> j.getSpec().getName());
        add(f, 'u', "USER", false, Job::getUser, Job::getUser);
        add(f, 't', "ST", false, j -> SlurmStates.code(j.getState()), j -> j.getState().getNumber());
        add(f, 'T', "STATE", false, j -> SlurmStates.name(j.getState()), j -> j.getState().getNumber());
        add(f, 'M', "TIME", true, j -> SlurmTime.format(Timestamps.runTime(j, context.now())),
                j -> Timestamps.runTime(j, context.now()));
        add(f, 'l', "TIME_LIMIT", true, j -> j.getSpec().hasTimeLimit()
                ? SlurmTime.format(Duration.ofSeconds(j.getSpec().getTimeLimit().getSeconds())) : "UNLIMITED",
                j -> j.getSpec().hasTimeLimit() ? j.getSpec().getTimeLimit().getSeconds() : Long.MAX_VALUE);
        add(f, 'D', "NODES", true, j -> Integer.toUnsignedString(j.getSpec().getNodes()), j -> j.getSpec().getNodes());
        add(f, 'R', "NODELIST(REASON)", false, JobTable::nodelistOrReason, JobTable::nodelistOrReason);
        add(f, 'r', "REASON", false, j -> j.getReason().isEmpty() ? "None" : j.getReason(), Job::getReason);
        add(f, 'N', "NODELIST", false, JobFields::nodelist, JobFields::nodelist);
        add(f, 'C', "CPUS", true, j -> Long.toString(cpus(j)), QueueView::cpus);
        add(f, 'b', "TRES_PER_NODE", false, j -> j.getSpec().getGpusPerNode() == 0 ? "N/A"
                : "gres/gpu:" + Integer.toUnsignedString(j.getSpec().getGpusPerNode()), j -> j.getSpec().getGpusPerNode());
        add(f, 'S', "START_TIME", false, j -> start(j).map(t -> Timestamps.local(t, context.zone())).orElse("N/A"),
                j -> start(j).map(Timestamps::instant).orElse(null));
        add(f, 'e', "END_TIME", false, j -> j.hasEndTime() ? Timestamps.local(j.getEndTime(), context.zone()) : "N/A",
                j -> j.hasEndTime() ? Timestamps.instant(j.getEndTime()) : null);
        add(f, 'V', "SUBMIT_TIME", false, j -> j.hasSubmitTime() ? Timestamps.local(j.getSubmitTime(), context.zone())
                : "N/A", j -> j.hasSubmitTime() ? Timestamps.instant(j.getSubmitTime()) : null);
        add(f, 'a', "ACCOUNT", false, JobFields::account, JobFields::account);
        add(f, 'q', "QOS", false, JobFields::qos, JobFields::qos);
        add(f, 'Q', "PRIORITY", true, j -> Optional.ofNullable(context.priorities().get(j.getId()))
                .map(String::valueOf).orElse("N/A"), j -> context.priorities().get(j.getId()));
        return f;
    }

    private static void add(Map<Character, Field> fields, char letter, String header, boolean numeric,
            Function<Job, String> shown, Function<Job, Comparable<?>> key) {
        fields.put(letter, new Field(letter, header, numeric, shown, key));
    }

    private static long cpus(Job job) {
        return Integer.toUnsignedLong(job.getSpec().getNodes()) * JobFields.tasksPerNode(job);
    }

    /** squeue's %S: when it started, else when its reservation says it will. */
    private static Optional<com.google.protobuf.Timestamp> start(Job job) {
        if (job.hasStartTime()) {
            return Optional.of(job.getStartTime());
        }
        return job.getState() == JobState.JOB_STATE_PENDING && job.hasEstimatedStartTime()
                ? Optional.of(job.getEstimatedStartTime()) : Optional.empty();
    }
}
