package dev.rota.sim.report;

import java.util.List;
import java.util.Locale;

/**
 * Hand-written SVG line charts: the JCT CDF per policy (log time axis), and hourly series over the
 * run (utilisation, queue length). Deterministic text: same data, same bytes.
 */
public final class SvgPlots {
    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
    private static final int W = 760;
    private static final int H = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private SvgPlots() {
    }

    /** One named series of points. */
    public record Series(String name, double[] x, double[] y) {
    }

    /** CDF of JCTs (seconds, ascending) per policy on a log10 time axis. */
    public static String jctCdf(List<Comparison.Entry> entries) {
        List<Series> series = entries.stream().map(e -> {
            double[] jct = e.stats().sortedJcts();
            int points = Math.min(jct.length, 400);
            double[] x = new double[points];
            double[] y = new double[points];
            for (int i = 0; i < points; i++) {
                int k = points == 1 ? jct.length - 1 : (int) Math.round((double) i * (jct.length - 1) / (points - 1));
                x[i] = StrictMath.log10(Math.max(1, jct[k]));
                y[i] = (k + 1) / (double) jct.length;
            }
            return new Series(e.policy().name(), x, y);
        }).toList();
        return chart("Job completion time CDF", "JCT (log scale)", "fraction of jobs", series, true, 1.0);
    }

    /** An hourly series per policy over the run, x in days. */
    public static String hourly(String title, String yLabel, List<String> names, List<double[]> values) {
        List<Series> series = new java.util.ArrayList<>();
        double max = 0;
        for (int s = 0; s < names.size(); s++) {
            double[] v = values.get(s);
            double[] x = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                x[i] = (i + 0.5) / 24.0;
                max = Math.max(max, v[i]);
            }
            series.add(new Series(names.get(s), x, v));
        }
        return chart(title, "days since the first submission", yLabel, series, false, max <= 0 ? 1 : max * 1.05);
    }

    private static String chart(String title, String xLabel, String yLabel, List<Series> series, boolean logX,
            double yMax) {
        double xMin = Double.MAX_VALUE;
        double xMax = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double x : s.x()) {
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
            }
        }
        if (xMin > xMax) {
            xMin = 0;
            xMax = 1;
        }
        if (logX) {
            xMin = Math.floor(xMin);
            xMax = Math.max(xMin + 1, Math.ceil(xMax));
        } else {
            xMin = 0;
            xMax = xMax <= 0 ? 1 : xMax;
        }
        double pw = W - LEFT - RIGHT;
        double ph = H - TOP - BOTTOM;
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" font-family=\"sans-serif\" "
                        + "font-size=\"12\">\n");
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        b.append("<text x=\"").append(W / 2).append("\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">")
                .append(escape(title)).append("</text>\n");
        // Axes and grid.
        for (int i = 0; i <= 5; i++) {
            double yv = yMax * i / 5;
            double y = TOP + ph - ph * i / 5;
            b.append(line(LEFT, y, LEFT + pw, y, "#e0e0e0"));
            b.append(text(LEFT - 6, y + 4, "end", fmt(yv)));
        }
        int ticks = logX ? (int) (xMax - xMin) : 6;
        for (int i = 0; i <= ticks; i++) {
            double xv = xMin + (xMax - xMin) * i / ticks;
            double x = LEFT + pw * i / ticks;
            b.append(line(x, TOP, x, TOP + ph, "#f0f0f0"));
            b.append(text(x, TOP + ph + 16, "middle", logX ? duration(StrictMath.pow(10, xv)) : fmt(xv)));
        }
        b.append(line(LEFT, TOP + ph, LEFT + pw, TOP + ph, "black")).append(line(LEFT, TOP, LEFT, TOP + ph, "black"));
        b.append(text(LEFT + pw / 2, H - 10, "middle", xLabel));
        b.append("<text x=\"16\" y=\"").append(fmt(TOP + ph / 2)).append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ")
                .append(fmt(TOP + ph / 2)).append(")\">").append(escape(yLabel)).append("</text>\n");
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            String colour = COLOURS[s % COLOURS.length];
            b.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\" points=\"");
            for (int i = 0; i < ser.x().length; i++) {
                double x = LEFT + pw * (ser.x()[i] - xMin) / (xMax - xMin);
                double y = TOP + ph - ph * Math.min(1, ser.y()[i] / yMax);
                b.append(i == 0 ? "" : " ").append(fmt(x)).append(',').append(fmt(y));
            }
            b.append("\"/>\n");
            double ly = TOP + 14 + 16 * s;
            b.append(line(LEFT + pw - 150, ly - 4, LEFT + pw - 125, ly - 4, colour));
            b.append(text(LEFT + pw - 120, ly, "start", ser.name()));
        }
        return b.append("</svg>\n").toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String colour) {
        return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2)
                + "\" stroke=\"" + colour + "\"/>\n";
    }

    private static String text(double x, double y, String anchor, String s) {
        return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor + "\">" + escape(s) + "</text>\n";
    }

    private static String fmt(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    private static String duration(double seconds) {
        if (seconds < 60) {
            return fmt(seconds) + "s";
        }
        if (seconds < 3600) {
            return fmt(seconds / 60) + "m";
        }
        if (seconds < 86400) {
            return fmt(seconds / 3600) + "h";
        }
        return fmt(seconds / 86400) + "d";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
