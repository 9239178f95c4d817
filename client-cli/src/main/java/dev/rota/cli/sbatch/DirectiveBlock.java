package dev.rota.cli.sbatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code #SBATCH} block of a batch script, read as sbatch reads it.
 *
 * <ul>
 *   <li>The script must start with {@code #!}; sbatch also refuses a script of only whitespace, one
 *       with a NUL byte, and one with DOS line breaks ({@code \r\n}). Each is an error here.</li>
 *   <li>Lines are read from the top; the last line counts even without a final newline.</li>
 *   <li>A line starting in column 1 with {@code #SBATCH} (case-sensitive) is a directive; so is the
 *       legacy {@code #SLURM}, with a warning.</li>
 *   <li>A blank line, or one whose first non-blank character is {@code #} ({@code ##SBATCH},
 *       {@code # SBATCH}, an indented {@code #SBATCH}), is a comment: skipped, and the scan goes on.</li>
 *   <li>The first other line ends the block; any {@code #SBATCH} after it is ignored (a note says so).</li>
 *   <li>The text after the prefix is split by {@link DirectiveWords}; an unmatched quote is an error;
 *       {@code hetjob} (heterogeneous jobs) is refused.</li>
 * </ul>
 *
 * <p>The words of every directive line, in order, are then read as options by {@link OptionReader},
 * all together as sbatch does (so an option at the end of one line may take its value from the next).
 *
 * @param source      the script's name in messages ({@code train.sh}, {@code <stdin>})
 * @param words       the words of all directives, each with its line
 * @param diagnostics problems with the script itself, in line order
 */
public record DirectiveBlock(String source, List<Word> words, List<Diagnostic> diagnostics) {
    private static final String SBATCH = "#SBATCH";
    private static final String SLURM = "#SLURM";

    public DirectiveBlock {
        words = List.copyOf(words);
        diagnostics = List.copyOf(diagnostics);
    }

    /** Reads the block of {@code text}, a script named {@code source} in messages. */
    public static DirectiveBlock read(String source, String text) {
        List<Word> words = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        if (text.isBlank()) {
            diagnostics.add(Diagnostic.error(at(source, 1), text.isEmpty() ? "the script is empty"
                    : "the script holds only whitespace (sbatch refuses it too)"));
            return new DirectiveBlock(source, words, diagnostics);
        }
        if (!text.startsWith("#!")) {
            diagnostics.add(Diagnostic.error(at(source, 1), "the script does not start with #! (make its first line "
                    + "an interpreter such as #!/bin/bash; sbatch refuses it too)"));
        }
        String[] lines = text.split("\n", -1);
        int lineCount = text.endsWith("\n") ? lines.length - 1 : lines.length;
        checkBytes(source, lines, lineCount, diagnostics);

        boolean warnedSlurm = false;
        int blockEnd = 0;
        int ignored = 0;
        int firstIgnored = 0;
        for (int n = 1; n <= lineCount; n++) {
            String line = stripCarriageReturn(lines[n - 1]);
            if (blockEnd != 0) {
                if (line.startsWith(SBATCH)) {
                    ignored++;
                    firstIgnored = firstIgnored == 0 ? n : firstIgnored;
                }
                continue;
            }
            String rest;
            if (line.startsWith(SBATCH)) {
                rest = line.substring(SBATCH.length());
            } else if (line.startsWith(SLURM)) {
                rest = line.substring(SLURM.length());
                if (!warnedSlurm) {
                    diagnostics.add(Diagnostic.warning(at(source, n),
                            "#SLURM is deprecated; read as #SBATCH, as sbatch does"));
                    warnedSlurm = true;
                }
            } else {
                String content = line.strip();
                if (!content.isEmpty() && content.charAt(0) != '#') {
                    blockEnd = n;
                }
                continue;
            }
            switch (DirectiveWords.split(rest)) {
                case DirectiveWords.UnmatchedQuote unmatched -> diagnostics.add(Diagnostic.error(at(source, n),
                        "unmatched " + unmatched.quote() + " in " + line.strip()));
                case DirectiveWords.Words split -> {
                    for (String word : split.words()) {
                        String lower = word.toLowerCase(Locale.ROOT);
                        if (lower.equals("hetjob") || lower.equals("packjob")) {
                            diagnostics.add(Diagnostic.error(at(source, n), "heterogeneous jobs (#SBATCH " + word
                                    + ") are not supported by Rota"));
                        } else {
                            words.add(new Word(word, at(source, n)));
                        }
                    }
                }
            }
        }
        if (ignored > 0) {
            diagnostics.add(Diagnostic.note(at(source, firstIgnored), "#SBATCH after the first command (line "
                    + blockEnd + ") is ignored, as sbatch ignores it"
                    + (ignored > 1 ? " (" + ignored + " such lines)" : "")));
        }
        diagnostics.sort((a, b) -> a.origin().compareTo(b.origin()));
        return new DirectiveBlock(source, words, diagnostics);
    }

    /** A NUL anywhere; {@code \r\n} anywhere (a lone {@code \r} is just a character). */
    private static void checkBytes(String source, String[] lines, int lineCount, List<Diagnostic> diagnostics) {
        for (int n = 1; n <= lineCount; n++) {
            if (lines[n - 1].indexOf('\0') >= 0) {
                diagnostics.add(Diagnostic.error(at(source, n),
                        "the script contains a NUL byte (is it a binary file? sbatch refuses it too)"));
                break;
            }
        }
        for (int n = 1; n < lines.length; n++) {
            if (lines[n - 1].endsWith("\r")) {
                diagnostics.add(Diagnostic.error(at(source, n), "the script has DOS line breaks (\\r\\n); convert it "
                        + "with dos2unix (sbatch refuses it too, and bash would choke on the \\r)"));
                break;
            }
        }
    }

    private static String stripCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static Origin at(String source, int line) {
        return new Origin.ScriptLine(source, line);
    }
}
