package dev.rota.cli.sbatch;

import java.util.ArrayList;
import java.util.List;

/**
 * An sbatch {@code --output}/{@code --error} pattern, rewritten into what the daemon resolves
 * ({@code %j} job id, {@code %A} array id, {@code %a} array task, {@code %N} batch node, {@code %x}
 * job name, {@code %u} user, {@code %%}, with widths such as {@code %4a}; other {@code %} sequences
 * are kept as written).
 *
 * <p>The batch script's output has fixed answers for the rest, as in Slurm: {@code %J} (job id and
 * step) is the job id, {@code %n} (node index) and {@code %t} (task) are 0, {@code %s} (step) is
 * {@code batch}. A width zero-pads numbers and is ignored for names. A pattern with a backslash is
 * taken literally, backslashes removed.
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
                case 'j', 'A', 'a' -> out.append('%').append(width).append(letter);
                case 'J' -> out.append('%').append(width).append('j');
                case 'x' -> out.append("%x");
                case 'u' -> out.append("%u");
                case 'N' -> out.append("%N");
                case 'n', 't' -> out.append(pad("0", width));
                case 's' -> out.append("batch");
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
