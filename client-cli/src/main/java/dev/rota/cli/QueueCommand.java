package dev.rota.cli;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.ListJobsRequest;
import dev.rota.cli.render.JobJson;
import dev.rota.cli.render.JobTable;
import dev.rota.cli.slurm.SlurmStates;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/** {@code rota queue}: squeue's table of pending and running jobs. */
@Command(name = "queue", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List jobs, like squeue: pending and running ones unless --all or -t asks for more. "
                + "ST codes: PD pending, R running, CD completed, F failed, CA cancelled, TO timeout, NF node fail.")
final class QueueCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Option(names = {"-a", "--all"}, description = "Include finished jobs.")
    private boolean all;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Only this user's jobs.")
    private String user;

    @Option(names = {"-t", "--states"}, paramLabel = "STATE", split = ",", converter = StateConverter.class,
            description = "Only jobs in these states, names or codes: PENDING,R,CD,... "
                    + "Asking for a finished state includes finished jobs.")
    private List<JobState> states = new ArrayList<>();

    @Option(names = "--start", description = "Pending jobs with their estimated start (START_TIME), like "
            + "squeue --start: the latest start their backfill reservation promises, or N/A.")
    private boolean start;

    @Option(names = "--json", description = "Print {\"jobs\": [...]} (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        List<JobState> wanted = states == null ? List.of() : states;
        ListJobsRequest.Builder request = ListJobsRequest.newBuilder()
                .addAllStates(wanted)
                .setIncludeFinished(all || wanted.stream().anyMatch(SlurmStates::isFinished));
        if (user != null) {
            request.setUser(user);
        }
        List<Job> jobs = rota.daemon().jobs(request.build());
        if (start) {
            jobs = jobs.stream().filter(j -> j.getState() == JobState.JOB_STATE_PENDING).toList();
        }
        rota.out().print(json ? JobJson.list(jobs)
                : start ? JobTable.renderStarts(jobs, rota.clock().getZone())
                : JobTable.render(jobs, rota.clock().instant()));
        return 0;
    }

    /** A state by name or squeue code, in any case. */
    static final class StateConverter implements ITypeConverter<JobState> {
        @Override
        public JobState convert(String value) {
            return SlurmStates.parseJobState(value).orElseThrow(() -> new TypeConversionException(
                    "unknown job state '" + value + "' (use PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, "
                            + "TIMEOUT, NODE_FAIL or PD, R, CD, F, CA, TO, NF)"));
        }
    }
}
