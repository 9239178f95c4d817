package dev.rota.sim.trace;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A seeded synthetic workload: Poisson arrivals, heavy-tailed job sizes and durations, jobs spread
 * over accounts with Zipf-like weights. The same parameters and seed give the same trace.
 *
 * <ul>
 *   <li>inter-arrival times are exponential with mean {@code 3600 / jobsPerHour} seconds;</li>
 *   <li>GPU counts are powers of two: {@code 2^k} with probability proportional to
 *       {@code sizeTail^k} for {@code k = 0..log2(maxGpus)} (sizeTail 0.25: about 75% 1-GPU jobs);</li>
 *   <li>durations are log-normal (median {@code medianSeconds}, log-space sigma {@code sigma}; sigma 2
 *       gives a mean about 7x the median, as in the Philly trace), at least 1 s, at most 30 days;</li>
 *   <li>account {@code a<i>} (i = 0..accounts-1) is chosen with weight {@code 1/(i+1)} and has
 *       {@code accounts - i} shares.</li>
 * </ul>
 */
public record SyntheticTrace(int jobs, double jobsPerHour, int maxGpus, double sizeTail, double medianSeconds,
        double sigma, int accounts, Instant start) {

    public static final Instant DEFAULT_START = Instant.parse("2017-10-01T00:00:00Z");

    public SyntheticTrace {
        if (jobs < 1 || !(jobsPerHour > 0) || maxGpus < 1 || Integer.bitCount(maxGpus) != 1 || !(sizeTail > 0)
                || !(medianSeconds >= 1) || !(sigma >= 0) || accounts < 1) {
            throw new IllegalArgumentException("synthetic trace needs jobs>=1, rate>0, maxGpus a power of two, "
                    + "sizeTail>0, median>=1, sigma>=0, accounts>=1");
        }
    }

    /** The defaults: 2,000 jobs, 60 an hour, up to 32 GPUs, tail 0.25, median 20 min, sigma 2, 4 accounts. */
    public static SyntheticTrace defaults() {
        return new SyntheticTrace(2000, 60, 32, 0.25, 1200, 2.0, 4, DEFAULT_START);
    }

    /**
     * Parses {@code key=value,...} over the defaults: {@code jobs, rate} (jobs per hour), {@code maxgpus,
     * tail, median} (seconds), {@code sigma, accounts}.
     */
    public static SyntheticTrace parse(String spec) {
        SyntheticTrace d = defaults();
        Map<String, String> kv = new TreeMap<>();
        if (!spec.isBlank()) {
            for (String part : spec.split(",")) {
                String[] p = part.split("=", 2);
                if (p.length != 2) {
                    throw new IllegalArgumentException("synthetic trace option '" + part + "' is not key=value");
                }
                kv.put(p[0].strip().toLowerCase(java.util.Locale.ROOT), p[1].strip());
            }
        }
        try {
            SyntheticTrace t = new SyntheticTrace(
                    Integer.parseInt(kv.getOrDefault("jobs", "" + d.jobs)),
                    Double.parseDouble(kv.getOrDefault("rate", "" + d.jobsPerHour)),
                    Integer.parseInt(kv.getOrDefault("maxgpus", "" + d.maxGpus)),
                    Double.parseDouble(kv.getOrDefault("tail", "" + d.sizeTail)),
                    Double.parseDouble(kv.getOrDefault("median", "" + d.medianSeconds)),
                    Double.parseDouble(kv.getOrDefault("sigma", "" + d.sigma)),
                    Integer.parseInt(kv.getOrDefault("accounts", "" + d.accounts)), d.start);
            kv.keySet().removeAll(List.of("jobs", "rate", "maxgpus", "tail", "median", "sigma", "accounts"));
            if (!kv.isEmpty()) {
                throw new IllegalArgumentException("unknown synthetic trace option(s): " + String.join(", ", kv.keySet())
                        + " (known: jobs, rate, maxgpus, tail, median, sigma, accounts)");
            }
            return t;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("synthetic trace option is not a number: " + e.getMessage());
        }
    }

    /** Generates the trace with {@code seed}. */
    public Trace generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int levels = Integer.numberOfTrailingZeros(maxGpus) + 1;
        double[] sizeWeight = new double[levels];
        double sizeTotal = 0;
        for (int k = 0; k < levels; k++) {
            sizeWeight[k] = StrictMath.pow(sizeTail, k);
            sizeTotal += sizeWeight[k];
        }
        double[] accountWeight = new double[accounts];
        double accountTotal = 0;
        for (int i = 0; i < accounts; i++) {
            accountWeight[i] = 1.0 / (i + 1);
            accountTotal += accountWeight[i];
        }
        double t = 0;
        double maxSeconds = 30 * 86400.0;
        List<TraceJob> out = new ArrayList<>(jobs);
        for (int n = 0; n < jobs; n++) {
            t += -StrictMath.log(1 - random.nextDouble()) * 3600.0 / jobsPerHour;
            int gpus = 1 << pick(random.nextDouble() * sizeTotal, sizeWeight);
            double gaussian = gaussian(random);
            double seconds = Math.min(maxSeconds, Math.max(1, medianSeconds * StrictMath.exp(sigma * gaussian)));
            String account = "a" + pick(random.nextDouble() * accountTotal, accountWeight);
            out.add(new TraceJob(n, "synthetic#" + n, start.plusMillis(Math.round(t * 1000)),
                    Duration.ofMillis(Math.round(seconds * 1000)), gpus, account, null));
        }
        SortedMap<String, Long> shares = new TreeMap<>();
        for (int i = 0; i < accounts; i++) {
            shares.put("a" + i, (long) (accounts - i));
        }
        return new Trace("synthetic:" + this, out, shares);
    }

    private static int pick(double x, double[] weights) {
        for (int k = 0; k < weights.length; k++) {
            x -= weights[k];
            if (x < 0) {
                return k;
            }
        }
        return weights.length - 1;
    }

    /** A standard normal draw (Box-Muller with StrictMath, so every JVM gives the same value). */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
    }
}
