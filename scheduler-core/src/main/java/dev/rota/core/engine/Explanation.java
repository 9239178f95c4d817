package dev.rota.core.engine;

import dev.rota.core.job.Job;
import dev.rota.core.job.JobId;
import dev.rota.core.job.JobSpec;
import dev.rota.core.job.JobState;
import dev.rota.core.node.NodeState;
import dev.rota.core.policy.Account;
import dev.rota.core.policy.Limits;
import dev.rota.core.policy.Policy;
import dev.rota.core.policy.Priority;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why a job waits and what would let it start sooner ({@code rota explain}): its pending reason in
 * words, the facts behind it (how many nodes could take its gang now, which limit holds it, where it
 * stands in the queue), its estimated start, and the smallest changes to the request that would
 * let it start now. A pure function of a published snapshot and the policy, so it never waits for
 * the scheduler; the suggestions are computed from GPUs free now and the reservations' start
 * times, so they are advice, not promises.
 *
 * @param reason         the pending reason code (empty when the job is not pending)
 * @param reasonText     the reason in a sentence
 * @param facts          what the scheduler sees, one sentence each
 * @param estimatedStart when its reservation promises it will start, if it holds one
 * @param suggestions    changes that would let it start now, each with the option to use
 */
public record Explanation(JobId job, JobState state, String reason, String reasonText, List<String> facts,
        Optional<Instant> estimatedStart, List<String> suggestions) {

    public Explanation {
        facts = List.copyOf(facts);
        suggestions = List.copyOf(suggestions);
    }

    private static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("Resources", "it is the highest-priority job that does not fit: it waits for GPUs to free up, "
                    + "holding a reservation"),
            Map.entry("Priority", "higher-priority jobs go first"),
            Map.entry("ReqNodeNotAvail", "no node that may take work can ever hold its gang (nodes drained or down)"),
            Map.entry("AccountGpuLimit", "its account (or a parent) already runs as many GPUs as its MaxGPUs allows"),
            Map.entry("AccountJobLimit", "its account (or a parent) already runs as many jobs as its MaxJobs allows"),
            Map.entry("AccountMaxGpusPerUser", "you already run as many GPUs in this account as MaxGPUsPerUser allows"),
            Map.entry("AccountMaxJobsPerUser", "you already run as many jobs in this account as MaxJobsPerUser allows"),
            Map.entry("QosGpuLimit", "its QoS already runs as many GPUs as its MaxGPUs allows"),
            Map.entry("QosJobLimit", "its QoS already runs as many jobs as its MaxJobs allows"),
            Map.entry("QosMaxGpusPerUser", "you already run as many GPUs in this QoS as MaxGPUsPerUser allows"),
            Map.entry("QosMaxJobsPerUser", "you already run as many jobs in this QoS as MaxJobsPerUser allows"),
            Map.entry("AccountBudgetExhausted", "its account (or a parent) has used its GPU-hour budget"));

    /** Explains {@code id} as of {@code now}; empty if the snapshot does not hold the job. */
    public static Optional<Explanation> of(ClusterSnapshot s, Policy policy, JobId id, Instant now) {
        Job job = s.jobs().get(id);
        if (job == null) {
            return Optional.empty();
        }
        if (job.state() != JobState.PENDING) {
            String text = job.state() == JobState.RUNNING ? "it is running on " + job.allocation().size() + " node(s)"
                    : "it has ended (" + job.state() + (job.reason().isEmpty() ? "" : ": " + job.reason()) + ")";
            return Optional.of(new Explanation(id, job.state(), "", text, List.of(), Optional.empty(), List.of()));
        }
        JobSpec spec = job.spec();
        int g = spec.gpusPerNode();
        List<String> facts = new ArrayList<>();
        List<String> suggestions = new ArrayList<>();

        int schedulable = 0;
        int bigEnough = 0;
        int fitNow = 0;
        int drained = 0;
        int away = 0;
        int maxFreeForCount = 0;
        List<Integer> freeNow = new ArrayList<>();
        for (NodeView n : s.nodes()) {
            boolean takesWork = n.state() == NodeState.IDLE || n.state() == NodeState.MIXED
                    || n.state() == NodeState.ALLOCATED;
            if (n.state() == NodeState.DRAINED || n.state() == NodeState.DRAINING) {
                drained++;
            } else if (n.state() == NodeState.DOWN || n.state() == NodeState.NOT_RESPONDING) {
                away++;
            }
            if (!takesWork) {
                continue;
            }
            schedulable++;
            int free = n.gpusTotal() - n.gpusAllocated();
            freeNow.add(free);
            if (n.gpusTotal() >= g) {
                bigEnough++;
            }
            if (free >= g) {
                fitNow++;
            }
        }
        facts.add("it needs " + spec.nodes() + " node(s) with " + g + " free GPU(s) each; " + fitNow + " of "
                + schedulable + " node(s) taking work have that now" + (drained + away > 0 ? " (" + drained
                + " drained or draining, " + away + " down or not responding)" : ""));
        if (bigEnough < spec.nodes()) {
            facts.add("only " + bigEnough + " node(s) taking work have " + g + " GPUs at all");
        }
        Priority p = s.judgement().priorities().get(id);
        if (p != null) {
            long ahead = s.judgement().priorities().entrySet().stream()
                    .filter(e -> e.getValue().priority() > p.priority()
                            || e.getValue().priority() == p.priority() && e.getKey().compareTo(id) < 0)
                    .filter(e -> s.job(e.getKey()).map(j -> j.state() == JobState.PENDING).orElse(false)).count();
            facts.add("priority " + p.priority() + " (fair share " + round(p.fairShare()) + ", age " + round(p.age())
                    + ", size " + round(p.jobSize()) + ", QoS " + round(p.qos()) + "); " + ahead
                    + " pending job(s) rank ahead of it");
        }
        limitFact(s, policy, job).ifPresent(facts::add);

        // Smallest changes that would let it start now (reservations aside).
        freeNow.sort(java.util.Comparator.reverseOrder());
        if (fitNow > 0 && fitNow < spec.nodes()) {
            suggestions.add("--nodes=" + fitNow + ": " + fitNow + " node(s) have " + g + " GPUs free now");
        }
        if (freeNow.size() >= spec.nodes()) {
            maxFreeForCount = freeNow.get(spec.nodes() - 1);
            if (maxFreeForCount > 0 && maxFreeForCount < g) {
                suggestions.add("--gpus-per-node=" + maxFreeForCount + ": " + spec.nodes() + " node(s) have that many "
                        + "GPUs free now");
            }
        }
        Optional<Instant> firstReservation = s.estimatedStarts().entrySet().stream()
                .filter(e -> !e.getKey().equals(id)).map(Map.Entry::getValue).min(Instant::compareTo);
        if (fitNow >= spec.nodes() && firstReservation.isPresent() && firstReservation.get().isAfter(now)) {
            Duration hole = Duration.between(now, firstReservation.get());
            if (hole.compareTo(spec.timeLimit()) < 0 && hole.toMinutes() >= 1) {
                suggestions.add("--time=" + hole.toMinutes() + ": its nodes are free until a reserved job starts in "
                        + hole.toMinutes() + " min; a job that ends before then is backfilled now");
            }
        }
        String text = REASONS.getOrDefault(job.reason(), job.reason().isEmpty() ? "it has not been scheduled yet"
                : job.reason());
        return Optional.of(new Explanation(id, job.state(), job.reason(), text, facts,
                s.estimatedStart(id), suggestions));
    }

    private static String round(double v) {
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    /** The numbers behind a limit or budget reason: which account or QoS, how much runs, the cap. */
    private static Optional<String> limitFact(ClusterSnapshot s, Policy policy, Job job) {
        String reason = job.reason();
        if (!reason.startsWith("Account") && !reason.startsWith("Qos")) {
            return Optional.empty();
        }
        Map<String, int[]> byAccount = new HashMap<>();
        for (Job r : s.jobs().values()) {
            if (r.state() == JobState.RUNNING && policy.accounts().containsKey(r.spec().account())) {
                for (String a : policy.lineage(r.spec().account())) {
                    int[] c = byAccount.computeIfAbsent(a, x -> new int[2]);
                    c[0] += r.spec().totalGpus();
                    c[1]++;
                }
            }
        }
        if (!policy.accounts().containsKey(job.spec().account())) {
            return Optional.empty();
        }
        for (String a : policy.lineage(job.spec().account())) {
            Account acc = policy.accounts().get(a);
            Limits l = acc.limits();
            int[] c = byAccount.getOrDefault(a, new int[2]);
            if (reason.equals("AccountGpuLimit") && l.maxGpus().isPresent()) {
                return Optional.of("account '" + a + "' runs " + c[0] + " GPUs; MaxGPUs=" + l.maxGpus().getAsInt()
                        + "; this job needs " + job.spec().totalGpus());
            }
            if (reason.equals("AccountJobLimit") && l.maxRunningJobs().isPresent()) {
                return Optional.of("account '" + a + "' runs " + c[1] + " jobs; MaxJobs="
                        + l.maxRunningJobs().getAsInt());
            }
            if (reason.equals("AccountBudgetExhausted") && acc.gpuHourBudget().isPresent()) {
                return Optional.of("account '" + a + "' has a budget of " + acc.gpuHourBudget().getAsDouble()
                        + " GPU-hours, all used; an admin raises GpuHourBudget or the job moves to another account (-A)");
            }
        }
        return Optional.empty();
    }
}
