package dev.rota.core.node;

import java.util.Comparator;

/**
 * Orders node names the way people read them: {@code node-2} before {@code node-10}. Deterministic
 * and total (falls back to plain string order).
 */
public final class NodeNames {
    /** Natural order: runs of digits compare by value. */
    public static final Comparator<String> NATURAL = NodeNames::compareNatural;

    private NodeNames() {
    }

    static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                // Compare the runs by value without allocating: skip leading zeros (keeping one digit),
                // then the longer run is larger, else the first differing digit decides. This runs
                // inside every sorted map of nodes, so it must be cheap.
                while (si < i - 1 && a.charAt(si) == '0') {
                    si++;
                }
                while (sj < j - 1 && b.charAt(sj) == '0') {
                    sj++;
                }
                int la = i - si;
                int lb = j - sj;
                if (la != lb) {
                    return Integer.compare(la, lb);
                }
                for (int k = 0; k < la; k++) {
                    int c = Character.compare(a.charAt(si + k), b.charAt(sj + k));
                    if (c != 0) {
                        return c;
                    }
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }
}
