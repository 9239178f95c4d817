package dev.rota.cli;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobEvent;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.WatchJobsRequest;
import dev.rota.cli.render.JobJson;
import dev.rota.cli.slurm.SlurmStates;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code rota watch}: job state changes as the daemon publishes them (a server stream, no polling).
 * With job ids it ends when they all ended; otherwise it runs until interrupted.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Follow job state changes live, pushed by the daemon as they happen.",
                "With JOB ids: those jobs, ending when they all ended. With --me: my jobs. Neither: every job. "
                        + "First the jobs as they are now, then one line per change."})
final class WatchCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Parameters(paramLabel = "JOB", arity = "0..*", converter = QueueCommand.JobIdConverter.class,
            description = "Job ids to follow.")
    private List<Long> jobs = new ArrayList<>();

    @Option(names = "--me", description = "Only my jobs.")
    private boolean me;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Only this user's jobs.")
    private String user;

    @Option(names = "--json", description = "Print one JSON object per event (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        WatchJobsRequest.Builder request = WatchJobsRequest.newBuilder().addAllJobIds(jobs);
        if (me) {
            request.setUser(rota.caller().user());
        } else if (user != null) {
            request.setUser(user);
        }
        rota.daemon().watch(request.build(), event -> {
            rota.out().print(json ? JobJson.event(event) : line(event));
            rota.out().flush();
            return true;
        });
        return 0;
    }

    /** e.g. {@code 2026-11-23T12:00:01Z  job 7 (train-llm, alice): PENDING -> RUNNING on node-[1-2]}. */
    static String line(JobEvent event) {
        Job job = event.getJob();
        StringBuilder line = new StringBuilder();
        line.append(java.time.format.DateTimeFormatter.ISO_INSTANT.format(java.time.Instant.ofEpochSecond(
                event.getAt().getSeconds()))).append("  job ").append(Long.toUnsignedString(job.getId()))
                .append(" (").append(job.getSpec().getName()).append(", ").append(job.getUser()).append("): ");
        if (event.getPreviousState() != JobState.JOB_STATE_UNSPECIFIED) {
            line.append(SlurmStates.name(event.getPreviousState())).append(" -> ");
        } else if (!event.getInitial()) {
            line.append("submitted, ");
        }
        line.append(SlurmStates.name(job.getState()));
        if (job.getState() == JobState.JOB_STATE_RUNNING && !job.getNodelist().isEmpty()) {
            line.append(" on ").append(job.getNodelist());
        }
        if (job.hasExitCode() && SlurmStates.isFinished(job.getState())) {
            line.append(", exit code ").append(job.getExitCode());
        }
        if (!job.getReason().isEmpty()) {
            line.append(" (").append(job.getReason()).append(')');
        }
        return line.append('\n').toString();
    }
}
