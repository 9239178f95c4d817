package dev.rota.cli.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A plain-text table whose columns are as wide as their widest cell, separated by two spaces, with
 * a header row. No trailing blanks.
 *
 * <p>Given a {@link Terminal} with a width, a table wider than it is narrowed by shortening its
 * widest text (left-aligned) columns, header included, never below {@value #MIN_WIDTH} characters;
 * a shortened cell ends in {@code +} (as sacct marks truncation). Numbers are never cut. Colours,
 * when the terminal allows them, are added after padding, so they never change alignment. Not
 * thread-safe.
 */
public final class Table {
    private static final String GAP = "  ";
    /** Narrowest a shortened column gets. */
    static final int MIN_WIDTH = 6;

    /** A column's header and which side its cells line up on (numbers right, text left). */
    public record Column(String header, boolean rightAligned) {
        public static Column left(String header) {
            return new Column(header, false);
        }

        public static Column right(String header) {
            return new Column(header, true);
        }
    }

    private final List<Column> columns;
    private final List<List<String>> rows = new ArrayList<>();
    private final Map<Integer, Function<String, String>> colours = new HashMap<>();
    private boolean header = true;

    public Table(Column... columns) {
        this(List.of(columns));
    }

    public Table(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    /** Adds a row: one cell per column, in column order. */
    public Table row(String... cells) {
        return row(Arrays.asList(cells));
    }

    /** Adds a row: one cell per column, in column order. */
    public Table row(List<String> cells) {
        if (cells.size() != columns.size()) {
            throw new IllegalArgumentException("a row needs " + columns.size() + " cells, got " + cells.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    /** Leaves out the header row (squeue --noheader). */
    public Table withoutHeader() {
        header = false;
        return this;
    }

    /** Colours column {@code column}'s cells by {@code code} (cell text to an SGR code, or null for none). */
    public Table colour(int column, Function<String, String> code) {
        colours.put(column, code);
        return this;
    }

    /** The header and the rows, each line ending in a newline, at any width, without colour. */
    public String render() {
        return render(Terminal.PLAIN);
    }

    /** As {@link #render()}, fitted to the terminal's width and coloured where it allows. */
    public String render(Terminal terminal) {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header ? width(columns.get(c).header()) : 0;
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], width(row.get(c)));
            }
        }
        terminal.columns().ifPresent(max -> narrow(widths, max));
        StringBuilder text = new StringBuilder();
        if (header) {
            line(text, columns.stream().map(Column::header).toList(), widths, null);
        }
        for (List<String> row : rows) {
            line(text, row, widths, terminal);
        }
        return text.toString();
    }

    private void narrow(int[] widths, int max) {
        int total = GAP.length() * (widths.length - 1);
        for (int w : widths) {
            total += w;
        }
        while (total > max) {
            int widest = -1;
            for (int c = 0; c < widths.length; c++) {
                Column column = columns.get(c);
                int floor = MIN_WIDTH;
                if (!column.rightAligned() && widths[c] > floor && (widest < 0 || widths[c] > widths[widest])) {
                    widest = c;
                }
            }
            if (widest < 0) {
                return; // nothing left to shorten: the line wraps
            }
            widths[widest]--;
            total--;
        }
    }

    private void line(StringBuilder text, List<String> cells, int[] widths, Terminal terminal) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                line.append(GAP);
            }
            String cell = cut(cells.get(c), widths[c]);
            String padding = " ".repeat(Math.max(0, widths[c] - width(cell)));
            Function<String, String> code = terminal == null ? null : colours.get(c);
            String shown = code == null ? cell : terminal.paint(cell, code.apply(cells.get(c)));
            if (columns.get(c).rightAligned()) {
                line.append(padding).append(shown);
            } else {
                line.append(shown).append(padding);
            }
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }

    /** The cell shortened to {@code width}, its last character replaced by {@code +} when cut. */
    static String cut(String cell, int width) {
        if (width(cell) <= width || width <= 0) {
            return cell;
        }
        int end = cell.offsetByCodePoints(0, width - 1);
        return cell.substring(0, end) + "+";
    }

    private static int width(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
