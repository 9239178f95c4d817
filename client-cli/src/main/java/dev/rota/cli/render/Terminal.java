package dev.rota.cli.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * What the output goes to: how wide it is and whether it may be coloured.
 *
 * <p>Width: {@code $COLUMNS} when set, else, on a terminal, what {@code stty size} says; otherwise
 * none (a pipe or a file gets whole lines, so scripts and golden files never depend on a window).
 * Colour: only on a terminal, and never when {@code NO_COLOR} is set (https://no-color.org) or
 * {@code TERM=dumb}.
 *
 * @param columns the width to fit tables to, if any
 * @param colour  whether ANSI colours may be used
 */
public record Terminal(OptionalInt columns, boolean colour) {
    /** Plain output of unlimited width: pipes, files, tests. */
    public static final Terminal PLAIN = new Terminal(OptionalInt.empty(), false);

    /**
     * @param environment the caller's environment ({@code COLUMNS}, {@code NO_COLOR}, {@code TERM})
     * @param terminal    whether standard output is a terminal
     */
    public static Terminal of(Map<String, String> environment, boolean terminal) {
        OptionalInt columns = positive(environment.get("COLUMNS"));
        if (columns.isEmpty() && terminal) {
            columns = sttyColumns();
        }
        boolean colour = terminal && !environment.containsKey("NO_COLOR")
                && !"dumb".equals(environment.get("TERM"));
        return new Terminal(columns, colour);
    }

    private static OptionalInt positive(String text) {
        if (text == null || text.isBlank()) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(text.strip());
            return n > 0 ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** {@code stty size < /dev/tty}: "ROWS COLUMNS". Only run on a terminal, so at most a few ms there. */
    private static OptionalInt sttyColumns() {
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (!stty.waitFor(1, TimeUnit.SECONDS) || stty.exitValue() != 0) {
                return OptionalInt.empty();
            }
            String[] parts = out.split("\\s+");
            return parts.length == 2 ? positive(parts[1]) : OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /** {@code text} in the SGR colour {@code code} (e.g. "32" green) when colour is on; else as is. */
    public String paint(String text, String code) {
        return colour && code != null && !text.isEmpty() ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
