package dev.rota.core.job;

/**
 * Resolves sbatch-style output patterns: {@code %j} job id, {@code %A} array job id (the job id for
 * a job that is not an array), {@code %a} array task id ({@code 4294967294}, Slurm's "none", for a
 * job that is not an array), {@code %N} the batch node's name, {@code %x} job name, {@code %u} user,
 * {@code %%} a percent sign; a width between {@code %} and the letter zero-pads a number
 * ({@code %4a} is {@code 0007}). Other {@code %} sequences are kept as written, and so is {@code %N}
 * until the node is known. Relative results are resolved against the job's working directory. Pure.
 */
public final class OutputPaths {
    public static final String DEFAULT_PATTERN = "rota-%j.out";
    /** The default for an array task, as sbatch's: {@code slurm-%A_%a.out}. */
    public static final String DEFAULT_ARRAY_PATTERN = "rota-%A_%a.out";
    /** Slurm's array task id of a job that is not an array ({@code NO_VAL}). */
    static final String NO_ARRAY_TASK = "4294967294";

    private OutputPaths() {
    }

    /** Resolves everything but {@code %N}. */
    public static String resolve(String pattern, JobId id, JobSpec spec) {
        return resolve(pattern, id, spec, null);
    }

    /**
     * @param batchNode the node that runs the batch script, or null before it is known ({@code %N}
     *                  then stays as written)
     */
    public static String resolve(String pattern, JobId id, JobSpec spec, String batchNode) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                i++;
                continue;
            }
            int j = i + 1;
            while (j < pattern.length() && Character.isDigit(pattern.charAt(j))) {
                j++;
            }
            if (j == pattern.length()) {
                out.append(pattern, i, j);
                break;
            }
            int width = width(pattern.substring(i + 1, j));
            char k = pattern.charAt(j);
            switch (k) {
                case 'j' -> out.append(pad(Long.toString(id.value()), width));
                case 'A' -> out.append(pad(Long.toString(spec.array().map(JobArray::arrayJobId)
                        .filter(a -> a > 0).orElse(id.value())), width));
                case 'a' -> out.append(pad(spec.array().flatMap(a -> a.taskId().isPresent()
                        ? java.util.Optional.of(Integer.toString(a.taskId().getAsInt())) : java.util.Optional.empty())
                        .orElse(NO_ARRAY_TASK), width));
                case 'N' -> out.append(batchNode == null ? pattern.substring(i, j + 1) : batchNode);
                case 'x' -> out.append(spec.name());
                case 'u' -> out.append(spec.user());
                case '%' -> out.append('%');
                default -> out.append(pattern, i, j + 1);
            }
            i = j + 1;
        }
        String path = out.toString();
        if (path.startsWith("/") || spec.workingDir().isEmpty()) {
            return path;
        }
        String dir = spec.workingDir();
        return dir.endsWith("/") ? dir + path : dir + "/" + path;
    }

    /** Whether the pattern names the batch node ({@code %N}), known only when the job starts. */
    public static boolean needsNode(String pattern) {
        return pattern.matches("(?s).*(?<!%)%\\d*N.*");
    }

    private static int width(String digits) {
        String significant = digits.replaceFirst("^0+", "");
        return significant.isEmpty() ? 0 : significant.length() > 2 ? 64 : Math.min(Integer.parseInt(significant), 64);
    }

    private static String pad(String number, int width) {
        return number.length() >= width ? number : "0".repeat(width - number.length()) + number;
    }
}
