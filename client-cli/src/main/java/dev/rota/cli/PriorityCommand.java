package dev.rota.cli;

import dev.rota.api.v1.ListPrioritiesRequest;
import dev.rota.api.v1.ListPrioritiesResponse;
import dev.rota.cli.render.PolicyViews;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rota priority [JOB...]}: pending jobs' priorities and the factors they are made of (like sprio). */
@Command(name = "priority", mixinStandardHelpOptions = true,
        description = {"Show pending jobs' priorities and what makes them: each factor times its weight, as the "
                + "last full scheduling cycle judged them (like sprio).",
                "Jobs submitted since that cycle are judged now, with that cycle's fair-share factors."})
final class PriorityCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Parameters(paramLabel = "JOB", arity = "0..*", description = "Job ids (default: every pending job).")
    private List<Long> jobIds = new ArrayList<>();

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Only this user's jobs.")
    private String user;

    @Option(names = "--json", description = "Print {\"weights\": {...}, \"jobs\": [...]} (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        ListPrioritiesRequest.Builder request = ListPrioritiesRequest.newBuilder().addAllJobIds(jobIds);
        if (user != null) {
            request.setUser(user);
        }
        ListPrioritiesResponse response = rota.daemon().priorities(request.build());
        rota.out().print(json ? PolicyViews.prioritiesJson(response) : PolicyViews.priorities(response));
        return 0;
    }
}
