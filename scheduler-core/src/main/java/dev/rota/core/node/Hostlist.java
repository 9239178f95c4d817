package dev.rota.core.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Slurm hostlists. Compression: {@code [node-1, node-2, node-4]} becomes {@code node-[1-2,4]};
 * names are grouped by the prefix before their trailing number, keeping first-seen order; zero
 * padding is kept ({@code gpu[001-003]}). Expansion, as {@code scontrol show hostnames} does it:
 * {@code node-[1-3,5]} is {@code node-1 node-2 node-3 node-5}; {@code gpu[001-003]} keeps the zero
 * padding of the lower bound; several bracket groups multiply ({@code r[1-2]n[1-2]} is
 * {@code r1n1 r1n2 r2n1 r2n2}); names are separated by commas or whitespace outside brackets. Order
 * and duplicates are kept. Pure and thread-safe.
 */
public final class Hostlist {
    private Hostlist() {
    }

    public static String compress(List<String> names) {
        Map<String, List<String>> byPrefix = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        for (String name : names) {
            int cut = name.length();
            while (cut > 0 && Character.isDigit(name.charAt(cut - 1))) {
                cut--;
            }
            if (cut == name.length()) {
                parts.add(name);
                continue;
            }
            String prefix = name.substring(0, cut);
            List<String> group = byPrefix.get(prefix);
            if (group == null) {
                group = new ArrayList<>();
                byPrefix.put(prefix, group);
                parts.add("\0" + prefix);
            }
            group.add(name.substring(cut));
        }
        List<String> out = new ArrayList<>();
        for (String part : parts) {
            if (!part.startsWith("\0")) {
                out.add(part);
                continue;
            }
            String prefix = part.substring(1);
            List<String> numbers = byPrefix.get(prefix);
            if (numbers.size() == 1) {
                out.add(prefix + numbers.get(0));
            } else {
                out.add(prefix + "[" + ranges(numbers) + "]");
            }
        }
        return String.join(",", out);
    }

    /** Zero-padded numbers only form a range with numbers of the same width ({@code 09-10} vs {@code 9-10}). */
    private static boolean samePadding(String a, String b) {
        boolean padded = a.length() > 1 && a.charAt(0) == '0' || b.length() > 1 && b.charAt(0) == '0';
        return !padded || a.length() == b.length();
    }

    private static String ranges(List<String> numbers) {
        List<String> sorted = new ArrayList<>(numbers);
        sorted.sort(NodeNames.NATURAL);
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && samePadding(sorted.get(i), sorted.get(j + 1))
                    && Long.parseLong(sorted.get(j + 1)) == Long.parseLong(sorted.get(j)) + 1) {
                j++;
            }
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(sorted.get(i));
            if (j > i) {
                b.append('-').append(sorted.get(j));
            }
            i = j + 1;
        }
        return b.toString();
    }

    /** More names than this is surely a typo ({@code node[1-99999999]}), not a cluster. */
    public static final int MAX_NAMES = 1 << 20;

    /**
     * @throws IllegalArgumentException naming the hostlist and what is wrong with it
     */
    public static List<String> expand(String hostlist) {
        List<String> out = new ArrayList<>();
        for (String expression : split(hostlist)) {
            List<String> names = List.of("");
            int i = 0;
            while (i < expression.length()) {
                int open = expression.indexOf('[', i);
                if (open < 0) {
                    if (expression.indexOf(']', i) >= 0) {
                        throw invalid(hostlist, "']' without '['");
                    }
                    names = append(names, List.of(expression.substring(i)), hostlist);
                    break;
                }
                int close = expression.indexOf(']', open);
                if (close < 0) {
                    throw invalid(hostlist, "'[' without ']'");
                }
                if (expression.lastIndexOf(']', open) >= i) {
                    throw invalid(hostlist, "']' without '['");
                }
                names = append(names, List.of(expression.substring(i, open)), hostlist);
                names = append(names, ranges(expression.substring(open + 1, close), hostlist), hostlist);
                i = close + 1;
            }
            if (out.size() + names.size() > MAX_NAMES) {
                throw invalid(hostlist, "more than " + MAX_NAMES + " names");
            }
            out.addAll(names);
        }
        return out;
    }

    /** The expressions of a hostlist: split on commas and whitespace that are outside brackets. */
    private static List<String> split(String hostlist) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : hostlist.toCharArray()) {
            if (c == '[') {
                if (depth > 0) {
                    throw invalid(hostlist, "nested '['");
                }
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            }
            if (depth == 0 && (c == ',' || Character.isWhitespace(c))) {
                if (!current.isEmpty()) {
                    out.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (!current.isEmpty()) {
            out.add(current.toString());
        }
        return out;
    }

    /** {@code 1-3,5} or {@code 001-010}: the numbers as text, padded to the lower bound's width. */
    private static List<String> ranges(String body, String hostlist) {
        List<String> out = new ArrayList<>();
        for (String range : body.split(",", -1)) {
            int dash = range.indexOf('-');
            String lo = dash < 0 ? range : range.substring(0, dash);
            String hi = dash < 0 ? range : range.substring(dash + 1);
            if (!digits(lo) || !digits(hi)) {
                throw invalid(hostlist, "'" + range + "' is not a number or a range such as 1-4");
            }
            long from = Long.parseLong(lo);
            long to = Long.parseLong(hi);
            if (to < from) {
                throw invalid(hostlist, "range '" + range + "' goes down");
            }
            if (to - from >= MAX_NAMES) {
                throw invalid(hostlist, "more than " + MAX_NAMES + " names");
            }
            int width = lo.length() > 1 && lo.charAt(0) == '0' ? lo.length() : 0;
            for (long n = from; n <= to; n++) {
                String number = Long.toString(n);
                out.add(number.length() < width ? "0".repeat(width - number.length()) + number : number);
            }
        }
        return out;
    }

    private static List<String> append(List<String> prefixes, List<String> parts, String hostlist) {
        if ((long) prefixes.size() * parts.size() > MAX_NAMES) {
            throw invalid(hostlist, "more than " + MAX_NAMES + " names");
        }
        List<String> out = new ArrayList<>(prefixes.size() * parts.size());
        for (String prefix : prefixes) {
            for (String part : parts) {
                out.add(prefix + part);
            }
        }
        return out;
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.length() <= 18 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static IllegalArgumentException invalid(String hostlist, String why) {
        return new IllegalArgumentException("invalid hostlist '" + hostlist + "': " + why);
    }
}
