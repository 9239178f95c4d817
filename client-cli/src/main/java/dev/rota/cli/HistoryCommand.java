package dev.rota.cli;

import dev.rota.api.v1.Job;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.ListHistoryRequest;
import dev.rota.cli.render.HistoryTable;
import dev.rota.cli.render.JobJson;
import dev.rota.cli.slurm.SlurmStates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rota history}: finished jobs from the daemon's history, like sacct. */
@Command(name = "history", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List finished jobs, newest first, like sacct: they stay queryable for the daemon's "
                + "retention period (default 30 days).")
final class HistoryCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Only this user's jobs.")
    private String user;

    @Option(names = "--me", description = "Only your jobs.")
    private boolean me;

    @Option(names = {"-A", "--account"}, paramLabel = "ACCOUNT", description = "Only this account's jobs.")
    private String account;

    @Option(names = {"-s", "--state"}, paramLabel = "STATE", split = ",", converter = QueueCommand.StateConverter.class,
            description = "Only jobs that ended in these states: COMPLETED,FAILED,CANCELLED,TIMEOUT,NODE_FAIL "
                    + "or CD,F,CA,TO,NF.")
    private List<JobState> states = new ArrayList<>();

    @Option(names = {"-S", "--starttime"}, paramLabel = "TIME",
            description = "Only jobs that ended at or after TIME: YYYY-MM-DD[THH:MM[:SS]], now, now-7d ...")
    private String start;

    @Option(names = {"-E", "--endtime"}, paramLabel = "TIME", description = "Only jobs that ended before TIME.")
    private String end;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "100",
            description = "At most N jobs (default: ${DEFAULT-VALUE}, at most 10000).")
    private int limit;

    @Option(names = "--json", description = "Print {\"jobs\": [...]} (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        TimeWindow.checkLimit(spec, limit);
        if (me && user != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--me and --user cannot be used together");
        }
        for (JobState s : states) {
            if (!SlurmStates.isFinished(s)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "history holds finished jobs only; " + SlurmStates.name(s) + " is not a final state");
            }
        }
        Instant now = rota.clock().instant();
        ListHistoryRequest.Builder request = ListHistoryRequest.newBuilder().addAllStates(states).setLimit(limit);
        if (me) {
            request.setUser(rota.caller().user());
        } else if (user != null) {
            request.setUser(user);
        }
        if (account != null) {
            request.setAccount(account);
        }
        if (start != null) {
            request.setEndedAfter(TimeWindow.bound(spec, start, now, rota.clock().getZone()));
        }
        if (end != null) {
            request.setEndedBefore(TimeWindow.bound(spec, end, now, rota.clock().getZone()));
        }
        List<Job> jobs = rota.daemon().history(request.build());
        rota.out().print(json ? JobJson.list(jobs) : HistoryTable.render(jobs, now, rota.clock().getZone()));
        return 0;
    }
}
