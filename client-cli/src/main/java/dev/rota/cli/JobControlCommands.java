package dev.rota.cli;

import dev.rota.api.v1.JobState;
import dev.rota.cli.json.JsonWriter;
import dev.rota.cli.slurm.SlurmStates;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code rota hold}, {@code rota release} and {@code rota requeue} (scontrol's): one action on each
 * job given, reporting on each; exits 1 if any failed. One class for the three, since they differ
 * only in the request and its words.
 */
final class JobControlCommands {
    private JobControlCommands() {
    }

    /** What the three share: job ids in, one line (or one JSON entry) per job out. */
    abstract static class Action implements Callable<Integer> {
        @ParentCommand
        RotaCli rota;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "JOB", arity = "1..*", description = "Job ids (an array's id acts on its pending tasks).")
        List<String> ids;

        @Option(names = "--json", description = "Print {\"jobs\": [{\"job_id\", \"state\", \"error\"}]} (docs/cli-json.md).")
        boolean json;

        abstract JobState act(DaemonClient daemon, long id);

        abstract String done();

        @Override
        public Integer call() {
            List<Long> jobs = new ArrayList<>();
            for (String id : ids) {
                JobSelector s;
                try {
                    s = JobSelector.parse(id);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
                if (!s.tasks().isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "'" + id + "': give the array's id ("
                            + s.job() + "); it acts on every pending task of it");
                }
                jobs.add(s.job());
            }
            PrintWriter out = rota.out();
            PrintWriter err = spec.commandLine().getErr();
            JsonWriter doc = new JsonWriter().beginObject().name("jobs").beginArray();
            boolean anyFailed = false;
            for (long id : jobs) {
                String job = Long.toUnsignedString(id);
                try {
                    JobState after = act(rota.daemon(), id);
                    if (json) {
                        doc.beginObject().name("job_id").value(id).name("state").value(SlurmStates.name(after))
                                .name("error").value((String) null).endObject();
                    } else {
                        out.println(done() + " job " + job + " (" + SlurmStates.name(after) + ")");
                    }
                } catch (Failure e) {
                    if (e.daemonUnusable()) {
                        throw e;
                    }
                    anyFailed = true;
                    if (json) {
                        doc.beginObject().name("job_id").value(id).name("state").value((String) null)
                                .name("error").value(e.getMessage()).endObject();
                    }
                    err.println("rota: " + e.getMessage());
                }
            }
            if (json) {
                out.print(doc.endArray().endObject().toJson());
            }
            return anyFailed ? 1 : 0;
        }
    }

    @Command(name = "hold", mixinStandardHelpOptions = true,
            description = "Hold pending jobs, like scontrol hold: they wait with reason JobHeldUser (JobHeldAdmin "
                    + "when an admin holds them, which only an admin may release) until 'rota release'.")
    static final class Hold extends Action {
        @Override
        JobState act(DaemonClient daemon, long id) {
            return daemon.hold(id);
        }

        @Override
        String done() {
            return "Held";
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Release held jobs, like scontrol release: they may start again. Idempotent.")
    static final class Release extends Action {
        @Override
        JobState act(DaemonClient daemon, long id) {
            return daemon.release(id);
        }

        @Override
        String done() {
            return "Released";
        }
    }

    @Command(name = "requeue", mixinStandardHelpOptions = true,
            description = "Requeue running jobs, like scontrol requeue: their processes are stopped (TERM, then KILL "
                    + "after the grace) and they queue again with the same id. A pending job is left as it is.")
    static final class Requeue extends Action {
        @Override
        JobState act(DaemonClient daemon, long id) {
            return daemon.requeue(id);
        }

        @Override
        String done() {
            return "Requeued";
        }
    }
}
