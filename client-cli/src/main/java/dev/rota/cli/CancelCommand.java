package dev.rota.cli;

import dev.rota.api.v1.JobState;
import dev.rota.cli.slurm.SlurmStates;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rota cancel}: cancels each job given, reporting on each; fails if any could not be. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel jobs, like scancel. Tries every id and reports on each; exits 1 if any failed. "
                + "Cancelling a job that already ended changes nothing.")
final class CancelCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "JOB", arity = "1..*",
            description = "Job ids: 12, an array task 12_3, or array tasks 12_[3-5,7] (12 alone: the whole array).")
    private List<String> ids;

    @Override
    public Integer call() {
        List<JobSelector> selected = new java.util.ArrayList<>();
        for (String id : ids) {
            try {
                selected.add(JobSelector.parse(id));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        PrintWriter out = rota.out();
        PrintWriter err = spec.commandLine().getErr();
        boolean anyFailed = false;
        for (JobSelector job : selected) {
            try {
                JobState after = job.tasks().isEmpty() ? rota.daemon().cancel(job.job())
                        : rota.daemon().cancel(job.job(), job.tasks());
                out.println(report(job.toString(), after));
            } catch (Failure e) {
                if (e.daemonUnusable()) {
                    throw e; // the next ids would fail the same way: say it once
                }
                anyFailed = true;
                err.println("rota: " + e.getMessage());
            }
        }
        return anyFailed ? 1 : 0;
    }

    private static String report(String job, JobState after) {
        if (after == JobState.JOB_STATE_CANCELLED) {
            return "Cancelled job " + job;
        }
        if (SlurmStates.isFinished(after)) {
            return "Job " + job + " had already ended (" + SlurmStates.name(after) + ")";
        }
        return "Cancelling job " + job + " (" + SlurmStates.name(after) + " until its processes exit)";
    }
}
