package dev.rota.core.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * sbatch's {@code --dependency}: clauses such as {@code afterok:12:13} or {@code singleton}, all of
 * which must hold ({@code ,}) or any one of which ({@code ?}). Immutable; {@link #NONE} has no clauses.
 *
 * <p>Whether a clause holds is decided by the engine from the states of the jobs it names; this
 * type only reads and writes the expression.
 *
 * @param clauses in the order written
 * @param any     true when joined with {@code ?} (any one suffices), false for {@code ,} (all)
 */
public record Dependency(List<Clause> clauses, boolean any) {
    public static final Dependency NONE = new Dependency(List.of(), false);

    public Dependency {
        clauses = List.copyOf(clauses);
    }

    /** The kinds of clause Rota knows, with sbatch's names. */
    public enum Kind {
        /** The job started (or ended without starting: cancelled). */
        AFTER,
        /** The job ended, however. */
        AFTERANY,
        /** The job completed with exit 0. */
        AFTEROK,
        /** The job ended any other way than COMPLETED. */
        AFTERNOTOK,
        /** No earlier job of the same user and name is pending or running. */
        SINGLETON;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One job named by a clause: a job, a whole array ({@code 12}), or one task ({@code 12_3}). */
    public record JobRef(long job, OptionalInt task) {
        public JobRef {
            Objects.requireNonNull(task, "task");
            if (job <= 0) {
                throw new IllegalArgumentException("job id must be positive: " + job);
            }
        }

        @Override
        public String toString() {
            return task.isPresent() ? job + "_" + task.getAsInt() : Long.toString(job);
        }
    }

    /** {@code kind:job[:job...]}; a singleton names no job. */
    public record Clause(Kind kind, List<JobRef> jobs) {
        public Clause {
            Objects.requireNonNull(kind, "kind");
            jobs = List.copyOf(jobs);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(kind.text());
            for (JobRef j : jobs) {
                b.append(':').append(j);
            }
            return b.toString();
        }
    }

    public boolean isNone() {
        return clauses.isEmpty();
    }

    /**
     * Reads an expression as sbatch writes it. The empty string is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the problem (an unknown kind, a bad job id, {@code ,}
     *                                  mixed with {@code ?}, a kind Rota does not support)
     */
    public static Dependency parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return NONE;
        }
        boolean commas = t.indexOf(',') >= 0;
        boolean questions = t.indexOf('?') >= 0;
        if (commas && questions) {
            throw new IllegalArgumentException("',' (all of) and '?' (any of) cannot be mixed");
        }
        List<Clause> clauses = new ArrayList<>();
        for (String part : t.split(questions ? "\\?" : ",", -1)) {
            clauses.add(clause(part.strip()));
        }
        return new Dependency(clauses, questions);
    }

    private static Clause clause(String part) {
        if (part.isEmpty()) {
            throw new IllegalArgumentException("an empty clause");
        }
        String[] fields = part.split(":", -1);
        String kindText = fields[0].toLowerCase(Locale.ROOT);
        Kind kind = switch (kindText) {
            case "after" -> Kind.AFTER;
            case "afterany" -> Kind.AFTERANY;
            case "afterok" -> Kind.AFTEROK;
            case "afternotok" -> Kind.AFTERNOTOK;
            case "singleton" -> Kind.SINGLETON;
            case "aftercorr", "afterburstbuffer" -> throw new IllegalArgumentException(
                    "'" + fields[0] + "' dependencies are not supported");
            default -> {
                if (fields.length == 1 && part.matches("\\d+(_\\d+)?")) {
                    yield null; // a bare id: afterany, as sbatch reads it
                }
                throw new IllegalArgumentException("'" + fields[0]
                        + "' is not a dependency type (use after, afterany, afterok, afternotok or singleton)");
            }
        };
        if (kind == null) {
            return new Clause(Kind.AFTERANY, List.of(ref(part)));
        }
        if (kind == Kind.SINGLETON) {
            if (fields.length > 1) {
                throw new IllegalArgumentException("singleton takes no job ids");
            }
            return new Clause(kind, List.of());
        }
        if (fields.length < 2) {
            throw new IllegalArgumentException("'" + part + "' names no job (use " + kindText + ":JOBID)");
        }
        List<JobRef> jobs = new ArrayList<>();
        for (int i = 1; i < fields.length; i++) {
            jobs.add(ref(fields[i]));
        }
        return new Clause(kind, jobs);
    }

    private static JobRef ref(String text) {
        if (text.contains("+")) {
            throw new IllegalArgumentException("'" + text + "': delays after a dependency (+MINUTES) are not supported");
        }
        if (!text.matches("\\d{1,18}(_\\d{1,9})?")) {
            throw new IllegalArgumentException("'" + text + "' is not a job id (use 12 or, for an array task, 12_3)");
        }
        int underscore = text.indexOf('_');
        long job = Long.parseLong(underscore < 0 ? text : text.substring(0, underscore));
        if (job <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a job id");
        }
        return new JobRef(job, underscore < 0 ? OptionalInt.empty()
                : OptionalInt.of(Integer.parseInt(text.substring(underscore + 1))));
    }

    /** The expression, as {@link #parse} reads it. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Clause c : clauses) {
            if (b.length() > 0) {
                b.append(any ? '?' : ',');
            }
            b.append(c);
        }
        return b.toString();
    }
}
