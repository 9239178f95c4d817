package dev.rota.cli.sbatch;

/** Counts as sbatch reads them: ASCII digits only, no sign, no blanks. */
final class Numbers {
    private Numbers() {}

    /** A count of at least 1. @throws NumberFormatException otherwise */
    static int positive(String text) {
        int n = nonNegative(text);
        if (n < 1) {
            throw new NumberFormatException("not positive: " + text);
        }
        return n;
    }

    /** A count of at least 0. @throws NumberFormatException otherwise */
    static int nonNegative(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException("not a count: " + text);
        }
        return Integer.parseInt(text);
    }

    /**
     * A positive count for {@code option}.
     *
     * @throws IllegalArgumentException "invalid --ntasks value 'x' (use a whole number from 1)"
     */
    static int positive(String text, SbatchOption option) {
        try {
            return positive(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + option.display() + " value '" + text
                    + "' (use a whole number from 1)");
        }
    }
}
