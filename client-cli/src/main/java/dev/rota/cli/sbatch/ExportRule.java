package dev.rota.cli.sbatch;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code --export}: which of the submitter's variables the job gets, as in sbatch.
 *
 * <ul>
 *   <li>{@code ALL} (the default): every variable.</li>
 *   <li>{@code NONE} (or {@code NIL}): none of them.</li>
 *   <li>{@code VAR1,VAR2}: only those, and every {@code SLURM_*} variable.</li>
 *   <li>{@code VAR=value} anywhere in the list sets VAR to value; {@code ALL,VAR=value} keeps all the
 *       others too.</li>
 * </ul>
 * Whatever is exported, the agent still gives the job its own {@code PATH}, {@code HOME} and the
 * like when they are not exported, and always the Slurm variables of the allocation.
 *
 * @param all         every variable is exported
 * @param names       variables exported by name (when not {@code all})
 * @param assignments variables set to a value, in the order written
 */
public record ExportRule(boolean all, Set<String> names, Map<String, String> assignments) {
    /** sbatch's default. */
    public static final ExportRule ALL = new ExportRule(true, Set.of(), Map.of());

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public ExportRule {
        names = Set.copyOf(names);
        assignments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(assignments));
    }

    /**
     * @throws IllegalArgumentException naming a malformed variable name
     */
    public static ExportRule parse(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        if (upper.equals("NONE") || upper.equals("NIL")) {
            return new ExportRule(false, Set.of(), Map.of());
        }
        boolean all = false;
        Set<String> names = new LinkedHashSet<>();
        Map<String, String> assignments = new LinkedHashMap<>();
        for (String item : text.split(",", -1)) {
            int eq = item.indexOf('=');
            String name = eq < 0 ? item : item.substring(0, eq);
            if (eq < 0 && name.equalsIgnoreCase("ALL")) {
                all = true;
            } else if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid --export value '" + text + "': '" + item
                        + "' is not a variable (use ALL, NONE, or VAR[=VALUE],...)");
            } else if (eq < 0) {
                names.add(name);
            } else {
                assignments.put(name, item.substring(eq + 1));
            }
        }
        return new ExportRule(all, names, assignments);
    }

    /** The variables the job gets from {@code environment}, the submitter's, sorted by name. */
    public SortedMap<String, String> apply(Map<String, String> environment) {
        SortedMap<String, String> out = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (all || names.contains(name) || (!isNone() && name.startsWith("SLURM_"))) {
                out.put(name, value);
            }
        });
        out.putAll(assignments);
        return out;
    }

    private boolean isNone() {
        return !all && names.isEmpty() && assignments.isEmpty();
    }
}
