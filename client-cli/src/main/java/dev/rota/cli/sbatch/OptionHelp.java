package dev.rota.cli.sbatch;

import java.util.ArrayList;
import java.util.List;

/** The option part of {@code rota submit --help}, from {@link SbatchOption}'s table. */
public final class OptionHelp {
    private static final int WIDTH = 79;
    private static final int COLUMN = 30;

    private OptionHelp() {}

    /** Lines of plain text, none longer than 79 characters. */
    public static List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("");
        out.add("Options, read as sbatch reads them (--opt=V or --opt V, -o V or -oV; a long");
        out.add("option may be shortened to any unique prefix). The same options may be given");
        out.add("in the script as #SBATCH directives; the command line overrides them.");
        for (SbatchOption option : SbatchOption.values()) {
            if (option.help() == null) {
                continue;
            }
            String names = (option.shortName() != 0 ? "  -" + option.shortName() + ", " : "      ") + "--"
                    + String.join(", --", option.longNames()) + (option.valueLabel() == null ? "" : "=" + option.valueLabel());
            out.addAll(column(names, option.help()));
        }
        out.add("");
        out.add("Accepted with a warning (checked, not enforced yet):");
        out.addAll(wrap(names(Handling.NotEnforced.class)));
        out.add("");
        out.add("Refused (not supported yet, or not at all):");
        out.addAll(wrap(names(Handling.Refused.class)));
        out.add("");
        out.add("Every option, and what Rota does with it: docs/sbatch.md.");
        return out;
    }

    private static List<String> names(Class<? extends Handling> handling) {
        List<String> names = new ArrayList<>();
        for (SbatchOption option : SbatchOption.values()) {
            if (handling.isInstance(option.handling())) {
                names.add((option.shortName() != 0 ? "-" + option.shortName() + "/" : "") + option.display());
            }
        }
        return names;
    }

    private static List<String> column(String names, String help) {
        List<String> out = new ArrayList<>();
        String first = names.length() < COLUMN ? names + " ".repeat(COLUMN - names.length()) : null;
        if (first == null) {
            out.add(names);
            first = " ".repeat(COLUMN);
        }
        StringBuilder line = new StringBuilder(first);
        for (String word : help.split(" ")) {
            if (line.length() + 1 + word.length() > WIDTH && line.length() > COLUMN) {
                out.add(line.toString().stripTrailing());
                line = new StringBuilder(" ".repeat(COLUMN));
            }
            if (line.length() > COLUMN) {
                line.append(' ');
            }
            line.append(word);
        }
        out.add(line.toString());
        return out;
    }

    private static List<String> wrap(List<String> words) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder(" ");
        for (String word : words) {
            if (line.length() + 1 + word.length() + 1 > WIDTH) {
                out.add(line.toString().stripTrailing());
                line = new StringBuilder(" ");
            }
            line.append(' ').append(word).append(',');
        }
        String last = line.toString();
        out.add(last.substring(0, last.length() - 1));
        return out;
    }
}
