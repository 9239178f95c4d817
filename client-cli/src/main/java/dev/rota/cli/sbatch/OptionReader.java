package dev.rota.cli.sbatch;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads words as options the way sbatch's {@code getopt_long} does (with {@code +}: no permuting),
 * against {@link SbatchOption}'s table.
 *
 * <ul>
 *   <li>{@code --name=value} or {@code --name value} for an option that needs a value (the next word
 *       is taken whatever it looks like); {@code --name=value} only for an optional value.</li>
 *   <li>A long name may be shortened to any unique prefix ({@code --ntasks-per-n}); an exact name
 *       wins over longer ones ({@code --mem} is not {@code --mem-per-cpu}); aliases of one option are
 *       not ambiguous with each other.</li>
 *   <li>Short options: {@code -N 2} or {@code -N2}; flags may be grouped ({@code -HQ}).</li>
 *   <li>{@code --} ends the options; so does the first word that is not an option ({@code -} alone
 *       is not one).</li>
 * </ul>
 *
 * <p>On the command line the first non-option word and everything after it are operands (the
 * script and its arguments). In directives no operands are allowed: the first is reported as an
 * invalid directive, and the rest of its line skipped. Pure and thread-safe.
 */
public final class OptionReader {
    private OptionReader() {}

    /**
     * What was read.
     *
     * @param settings    the options in the order written
     * @param operands    the first non-option word and everything after it (command line only)
     * @param diagnostics errors, in the order found
     */
    public record Reading(List<Setting> settings, List<Word> operands, List<Diagnostic> diagnostics) {
        public Reading {
            settings = List.copyOf(settings);
            operands = List.copyOf(operands);
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /** Reads the {@code rota submit} command line. */
    public static Reading commandLine(List<String> args) {
        return read(args.stream().map(a -> new Word(a, Origin.COMMAND_LINE)).toList(), true);
    }

    /** Reads the words of a directive block. */
    public static Reading directives(List<Word> words) {
        return read(words, false);
    }

    private static Reading read(List<Word> words, boolean commandLine) {
        List<Setting> settings = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        int i = 0;
        boolean optionsEnded = false;
        while (i < words.size()) {
            Word word = words.get(i);
            String text = word.text();
            if (!optionsEnded && text.equals("--")) {
                optionsEnded = true;
                i++;
                continue;
            }
            if (optionsEnded || !text.startsWith("-") || text.equals("-")) {
                if (commandLine) {
                    return new Reading(settings, words.subList(i, words.size()), diagnostics);
                }
                diagnostics.add(Diagnostic.error(word.origin(), "invalid directive '" + text
                        + "': not an option (sbatch refuses it too)" + placeholderHint(text)));
                i = nextLine(words, i);
                continue;
            }
            int before = diagnostics.size();
            i = text.startsWith("--") ? readLong(words, i, settings, diagnostics)
                    : readShort(words, i, settings, diagnostics);
            if (diagnostics.size() > before && !commandLine) {
                // One error a line: what follows a broken option is rarely meaningful.
                i = Math.max(i, nextLine(words, i - 1));
            }
        }
        return new Reading(settings, List.of(), diagnostics);
    }

    /** {@code --name[=value]}; returns the index of the next unread word. */
    private static int readLong(List<Word> words, int i, List<Setting> settings, List<Diagnostic> diagnostics) {
        Word word = words.get(i);
        String body = word.text().substring(2);
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        String inline = eq < 0 ? null : body.substring(eq + 1);
        Set<SbatchOption> matches = match(name);
        if (matches.isEmpty()) {
            diagnostics.add(Diagnostic.error(word.origin(), "unrecognized option '--" + name + "'" + suggestion(body)));
            return i + 1;
        }
        if (matches.size() > 1) {
            StringBuilder possible = new StringBuilder();
            for (SbatchOption option : matches) {
                for (String longName : option.longNames()) {
                    if (longName.startsWith(name)) {
                        possible.append(" '--").append(longName).append('\'');
                    }
                }
            }
            diagnostics.add(Diagnostic.error(word.origin(), "option '--" + name + "' is ambiguous; possibilities:"
                    + possible));
            return i + 1;
        }
        SbatchOption option = matches.iterator().next();
        switch (option.argument()) {
            case NONE -> {
                if (inline != null) {
                    diagnostics.add(Diagnostic.error(word.origin(), "option '" + option.display()
                            + "' doesn't allow an argument"));
                    return i + 1;
                }
                settings.add(new Setting(option, null, word.origin()));
                return i + 1;
            }
            case OPTIONAL -> {
                settings.add(new Setting(option, inline, word.origin()));
                return i + 1;
            }
            case REQUIRED -> {
                if (inline != null) {
                    settings.add(new Setting(option, inline, word.origin()));
                    return i + 1;
                }
                if (i + 1 >= words.size()) {
                    diagnostics.add(Diagnostic.error(word.origin(), "option '" + option.display()
                            + "' requires an argument"));
                    return i + 1;
                }
                settings.add(new Setting(option, words.get(i + 1).text(), word.origin()));
                return i + 2;
            }
        }
        throw new AssertionError(option.argument());
    }

    /** {@code -N2}, {@code -N 2}, {@code -HQ}; returns the index of the next unread word. */
    private static int readShort(List<Word> words, int i, List<Setting> settings, List<Diagnostic> diagnostics) {
        Word word = words.get(i);
        String text = word.text();
        for (int k = 1; k < text.length(); k++) {
            char letter = text.charAt(k);
            SbatchOption option = byShortName(letter);
            if (option == null) {
                diagnostics.add(Diagnostic.error(word.origin(), "invalid option -- '" + letter + "'"));
                return i + 1;
            }
            String rest = text.substring(k + 1);
            switch (option.argument()) {
                case NONE -> settings.add(new Setting(option, null, word.origin()));
                case OPTIONAL -> {
                    settings.add(new Setting(option, rest.isEmpty() ? null : rest, word.origin()));
                    return i + 1;
                }
                case REQUIRED -> {
                    if (!rest.isEmpty()) {
                        settings.add(new Setting(option, rest, word.origin()));
                        return i + 1;
                    }
                    if (i + 1 >= words.size()) {
                        diagnostics.add(Diagnostic.error(word.origin(), "option requires an argument -- '" + letter
                                + "' (" + option.display() + ")"));
                        return i + 1;
                    }
                    settings.add(new Setting(option, words.get(i + 1).text(), word.origin()));
                    return i + 2;
                }
            }
        }
        return i + 1;
    }

    /** The options {@code name} selects: an exact long name, else every option with a long name it starts. */
    static Set<SbatchOption> match(String name) {
        Set<SbatchOption> prefixed = new LinkedHashSet<>();
        if (name.isEmpty()) {
            return prefixed;
        }
        for (SbatchOption option : SbatchOption.values()) {
            for (String longName : option.longNames()) {
                if (longName.equals(name)) {
                    return EnumSet.of(option);
                }
                if (longName.startsWith(name)) {
                    prefixed.add(option);
                }
            }
        }
        return prefixed;
    }

    private static SbatchOption byShortName(char letter) {
        for (SbatchOption option : SbatchOption.values()) {
            if (option.shortName() == letter) {
                return option;
            }
        }
        return null;
    }

    /** A hint for a typo such as {@code --mem-4G} or {@code --D}. */
    private static String suggestion(String body) {
        if (body.length() == 1 && byShortName(body.charAt(0)) != null) {
            return " (did you mean -" + body + "?)";
        }
        String best = null;
        for (SbatchOption option : SbatchOption.values()) {
            String longName = option.longName();
            if (option.argument() != SbatchOption.Argument.NONE && body.startsWith(longName + "-")
                    && body.length() > longName.length() + 1 && (best == null || longName.length() > best.length())) {
                best = longName;
            }
        }
        return best == null ? "" : " (did you mean --" + best + "=" + body.substring(best.length() + 1) + "?)";
    }

    /** For words that look like an unfilled template: {@code {{ nodes }}}, {@code <account>}. */
    private static String placeholderHint(String text) {
        return text.contains("{") || text.contains("}") || text.contains("<") || text.contains(">")
                ? "; is it a template placeholder left unfilled?" : "";
    }

    /** The index of the first word after word {@code i}'s line. */
    private static int nextLine(List<Word> words, int i) {
        Origin line = words.get(i).origin();
        int j = i + 1;
        while (j < words.size() && words.get(j).origin().equals(line)) {
            j++;
        }
        return j;
    }
}
