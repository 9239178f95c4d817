package dev.rota.cli.sbatch;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text after {@code #SBATCH} into words, as sbatch's {@code _get_argument} does: words
 * are separated by whitespace; {@code '...'} and {@code "..."} group characters into a word and are
 * removed; a backslash takes the next character literally (inside quotes too); an unquoted,
 * unescaped {@code #} ends the line, even in the middle of a word (the characters before it still
 * form a word). Nothing is expanded: {@code $HOME} stays {@code $HOME}.
 *
 * <p>Pure and thread-safe.
 */
public final class DirectiveWords {
    private DirectiveWords() {}

    /** The outcome of splitting one line. */
    public sealed interface Split {
    }

    /** The words of the line, possibly none. */
    public record Words(List<String> words) implements Split {
        public Words {
            words = List.copyOf(words);
        }
    }

    /** A quote opened and never closed: a fatal error in sbatch. */
    public record UnmatchedQuote(char quote) implements Split {}

    public static Split split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                // A trailing backslash escapes nothing and is dropped, as in sbatch.
                if (i + 1 < text.length()) {
                    word.append(text.charAt(i + 1));
                }
                inWord = true;
                i += 2;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
                i++;
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
                i++;
            } else if (c == '#') {
                break;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (quote != 0) {
            return new UnmatchedQuote(quote);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return new Words(words);
    }
}
