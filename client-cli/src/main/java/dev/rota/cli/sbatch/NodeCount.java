package dev.rota.cli.sbatch;

/**
 * {@code --nodes}: {@code N}, or {@code MIN-MAX}. Rota places a job on a fixed number of nodes, so a
 * range runs on {@link #min()} (with a note).
 *
 * @param min at least 1
 * @param max at least {@code min}
 */
public record NodeCount(int min, int max) {
    static final String FORMS = "use N or MIN-MAX, e.g. 2 or 2-4";

    public NodeCount {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("need 1 <= min <= max: " + min + "-" + max);
        }
    }

    public boolean isRange() {
        return min != max;
    }

    /**
     * @throws IllegalArgumentException "invalid --nodes value 'x' (use N or MIN-MAX, ...)"
     */
    public static NodeCount parse(String text) {
        int dash = text.indexOf('-');
        try {
            if (dash < 0) {
                int n = Numbers.positive(text);
                return new NodeCount(n, n);
            }
            int min = Numbers.positive(text.substring(0, dash));
            int max = Numbers.positive(text.substring(dash + 1));
            if (max < min) {
                throw new IllegalArgumentException("invalid --nodes value '" + text + "': the maximum is below the minimum");
            }
            return new NodeCount(min, max);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid --nodes value '" + text + "' (" + FORMS + ")");
        }
    }
}
