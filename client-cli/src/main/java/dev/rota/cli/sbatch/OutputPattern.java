package dev.rota.cli.sbatch;

import java.util.ArrayList;
import java.util.List;

/**
 * An sbatch {@code --output}/{@code --error} pattern, rewritten into what the daemon resolves today
 * ({@code %j} job id, {@code %x} job name, {@code %u} user, {@code %%}; other {@code %} sequences
 * are kept as written).
 *
 * <p>The batch script's output has fixed answers for the rest, as in Slurm: {@code %A} (array job id)
 * and {@code %J} (job id and step) are the job id for a job that is not an array, {@code %a} is
 * Slurm's "no array task" value {@code 4294967294}, {@code %n} (node index) and {@code %t} (task)
 * are 0, {@code %s} (step) is {@code batch}. A width ({@code %4a}) zero-pads numbers and is ignored
 * for names. A pattern with a backslash is taken literally, backslashes removed.
 *
 * <p>What the daemon cannot do yet: zero-padding the job id ({@code %4j}, {@code %4A}: a warning,
 * and the id is not padded) and {@code %N} (the batch node's name, known only at start: an error).
 *
 * @param pattern  the pattern to send to the daemon
 * @param warnings what is not honoured, each naming the sequence
 */
public record OutputPattern(String pattern, List<String> warnings) {
    /** Slurm's array task id of a job that is not an array ({@code NO_VAL}). */
    static final String NO_ARRAY_TASK = "4294967294";

    public OutputPattern {
        warnings = List.copyOf(warnings);
    }

    /**
     * @param text   the pattern as written
     * @param option {@code --output} or {@code --error}, for messages
     * @throws IllegalArgumentException for a sequence Rota cannot resolve ({@code %N})
     */
    public static OutputPattern translate(String text, String option) {
        List<String> warnings = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        if (text.indexOf('\\') >= 0) {
            for (char c : text.toCharArray()) {
                if (c == '%') {
                    out.append("%%");
                } else if (c != '\\') {
                    out.append(c);
                }
            }
            return new OutputPattern(out.toString(), warnings);
        }
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            int j = i + 1;
            while (j < text.length() && Character.isDigit(text.charAt(j))) {
                j++;
            }
            if (j >= text.length()) {
                // A trailing '%' (or '%4') is literal.
                out.append(text.substring(i).replace("%", "%%"));
                break;
            }
            String width = text.substring(i + 1, j);
            char letter = text.charAt(j);
            String sequence = text.substring(i, j + 1);
            switch (letter) {
                case '%' -> out.append("%%");
                case 'j', 'J', 'A' -> {
                    if (width(width) > 0) {
                        warnings.add(option + " '" + text + "': zero padding of the job id (" + sequence
                                + ") is not supported yet; the id is not padded");
                    }
                    out.append("%j");
                }
                case 'x' -> out.append("%x");
                case 'u' -> out.append("%u");
                case 'a' -> out.append(pad(NO_ARRAY_TASK, width));
                case 'n', 't' -> out.append(pad("0", width));
                case 's' -> out.append("batch");
                case 'N' -> throw new IllegalArgumentException("invalid " + option + " value '" + text
                        + "': %N (the node's name) is not supported yet in file names");
                default -> {
                    warnings.add(option + " '" + text + "': " + sequence + " is not a pattern Rota knows; kept as written");
                    out.append("%%").append(text, i + 1, j + 1);
                }
            }
            i = j + 1;
        }
        return new OutputPattern(out.toString(), warnings);
    }

    /** The width digits as a number, at most 64. */
    private static int width(String digits) {
        String significant = digits.replaceFirst("^0+", "");
        return significant.isEmpty() ? 0 : significant.length() > 2 ? 64 : Math.min(Integer.parseInt(significant), 64);
    }

    private static String pad(String number, String width) {
        int w = width(width);
        return "0".repeat(Math.max(0, w - number.length())) + number;
    }
}
