package dev.rota.core.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Slurm hostlist compression: {@code [node-1, node-2, node-4]} becomes {@code node-[1-2,4]}. Names
 * are grouped by the prefix before their trailing number, keeping first-seen order; zero padding is
 * kept ({@code gpu[001-003]}).
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
}
