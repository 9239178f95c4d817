package dev.rota.cli.slurm;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * Slurm's memory grammar, as {@code sbatch --mem}, {@code --mem-per-cpu}, {@code --mem-per-gpu}
 * and {@code --tmp} read it: an integer, optionally followed by {@code K}, {@code M}, {@code G} or
 * {@code T} (any case) and then optionally {@code B} or {@code b}. Without a unit the number is
 * megabytes. Units are binary, as in Slurm: {@code 1G} is 1024 MiB. {@code 0} means "all the
 * memory of the node".
 *
 * <p>Pure and thread-safe.
 */
public final class SlurmMemory {
    /** The forms a memory size may take, for error messages. */
    public static final String FORMS = "use an integer with an optional unit K, M, G or T, e.g. 64G, 512M or 32000; "
            + "0 for all of a node's memory";

    private static final long MAX_BYTES = Long.MAX_VALUE / 2;

    private SlurmMemory() {}

    /**
     * Parses a memory size.
     *
     * @param text    what the user typed, e.g. {@code 64G}, {@code 512gb} or {@code 32000}
     * @param subject what the value is, for the message (e.g. {@code --mem value})
     * @return the size in bytes; empty for {@code 0}, "the whole node"
     * @throws IllegalArgumentException naming {@code subject} and {@code text} when it is not valid
     */
    public static OptionalLong parseBytes(String text, String subject) {
        String s = text;
        if (!s.isEmpty() && (s.charAt(s.length() - 1) == 'B' || s.charAt(s.length() - 1) == 'b')) {
            s = s.substring(0, s.length() - 1);
        }
        long unit = 1L << 20;
        if (!s.isEmpty()) {
            char last = Character.toUpperCase(s.charAt(s.length() - 1));
            long suffix = switch (last) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                case 'G' -> 1L << 30;
                case 'T' -> 1L << 40;
                default -> 0;
            };
            if (suffix != 0) {
                unit = suffix;
                s = s.substring(0, s.length() - 1);
            }
        }
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid " + subject + " '" + text + "' (" + FORMS + ")");
        }
        long number = Long.parseLong(s);
        if (number == 0) {
            return OptionalLong.empty();
        }
        if (number > MAX_BYTES / unit) {
            throw new IllegalArgumentException("invalid " + subject + " '" + text + "': too large");
        }
        return OptionalLong.of(number * unit);
    }

    /** {@code bytes} in the largest binary unit that divides it: {@code 64G}, {@code 1536M}, {@code 3K}. */
    public static String format(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long size = 1L << shifts[i];
            if (bytes >= size && bytes % size == 0) {
                return (bytes / size) + units[i];
            }
        }
        return String.format(Locale.ROOT, "%dB", bytes);
    }
}
