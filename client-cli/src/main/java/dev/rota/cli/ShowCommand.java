package dev.rota.cli;

import dev.rota.api.v1.Job;
import dev.rota.cli.render.JobDetails;
import dev.rota.cli.render.JobJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rota show}: everything about one job, like {@code scontrol show job}. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show everything about one job as Key=Value lines, like scontrol show job.")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "JOB", description = "The job id.")
    private long id;

    @Option(names = "--json", description = "Print the job as a JSON object (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        if (id <= 0) {
            throw new ParameterException(spec.commandLine(), "invalid job id '" + id + "' (job ids are positive)");
        }
        Job job = rota.daemon().job(id);
        rota.out().print(json ? JobJson.single(job)
                : JobDetails.render(job, rota.clock().instant(), rota.clock().getZone()));
        return 0;
    }
}
