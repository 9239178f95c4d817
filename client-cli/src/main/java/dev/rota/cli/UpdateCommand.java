package dev.rota.cli;

import com.google.protobuf.Duration;
import dev.rota.api.v1.JobState;
import dev.rota.api.v1.UpdateJobRequest;
import dev.rota.cli.json.JsonWriter;
import dev.rota.cli.slurm.SlurmStates;
import dev.rota.core.time.SlurmTime;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rota update JOB --time T --name N}: scontrol update's everyday fields. */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Change a pending or running job, like scontrol update: its time limit (you may shorten "
                + "your job's; only admins lengthen it) or its name.")
final class UpdateCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "JOB", description = "The job's id.")
    private String job;

    @Option(names = {"-t", "--time"}, paramLabel = "TIME", description = "New time limit: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.")
    private String time;

    @Option(names = {"-J", "--name", "--job-name"}, paramLabel = "NAME", description = "New name.")
    private String name;

    @Option(names = "--json", description = "Print {\"job_id\", \"state\"} (docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        JobSelector selected;
        try {
            selected = JobSelector.parse(job);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!selected.tasks().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give one job's id, not array tasks");
        }
        if (time == null && name == null) {
            throw new ParameterException(spec.commandLine(), "nothing to change: give --time and/or --name");
        }
        UpdateJobRequest.Builder request = UpdateJobRequest.newBuilder().setJobId(selected.job());
        if (time != null) {
            Optional<java.time.Duration> limit;
            try {
                limit = SlurmTime.parseLimit(time, "--time value");
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (limit.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--time " + time + ": give a limit (Rota has no "
                        + "jobs without one)");
            }
            request.setTimeLimit(Duration.newBuilder().setSeconds(limit.get().toSeconds()));
        }
        if (name != null) {
            if (name.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--name must not be empty");
            }
            request.setName(name);
        }
        JobState after = rota.daemon().update(request.build());
        if (json) {
            rota.out().print(new JsonWriter().beginObject().name("job_id").value(selected.job())
                    .name("state").value(SlurmStates.name(after)).endObject().toJson());
        } else {
            rota.out().println("Updated job " + selected + " (" + SlurmStates.name(after) + ")");
        }
        return 0;
    }
}
