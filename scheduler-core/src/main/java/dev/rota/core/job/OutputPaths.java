package dev.rota.core.job;

/**
 * Resolves sbatch-style output patterns: {@code %j} job id, {@code %x} job name, {@code %u} user,
 * {@code %%} a percent sign; other {@code %} sequences are kept as written. Relative results are
 * resolved against the job's working directory.
 */
public final class OutputPaths {
    public static final String DEFAULT_PATTERN = "rota-%j.out";

    private OutputPaths() {
    }

    public static String resolve(String pattern, JobId id, JobSpec spec) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char k = pattern.charAt(++i);
            switch (k) {
                case 'j' -> out.append(id.value());
                case 'x' -> out.append(spec.name());
                case 'u' -> out.append(spec.user());
                case '%' -> out.append('%');
                default -> out.append('%').append(k);
            }
        }
        String path = out.toString();
        if (path.startsWith("/") || spec.workingDir().isEmpty()) {
            return path;
        }
        String dir = spec.workingDir();
        return dir.endsWith("/") ? dir + path : dir + "/" + path;
    }
}
