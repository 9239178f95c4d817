package dev.rota.cli;

import dev.rota.api.v1.BackupResponse;
import dev.rota.cli.render.BackupJson;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rota admin backup DIR}: the daemon writes a consistent copy of its store to DIR, while it keeps running. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Write an online backup of the daemon's store (a RocksDB checkpoint) to DIR, on the "
                + "daemon's host. DIR must not exist; its parent must. Restore: see docs/operations.md."})
final class BackupCommand implements Callable<Integer> {
    @ParentCommand
    private AdminCommand admin;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The new backup directory; a relative path is taken from the "
            + "current directory.")
    private String directory;

    @Option(names = "--json", description = "Print {\"directory\", \"size_bytes\", \"jobs\", \"taken_at\"} "
            + "(see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        RotaCli rota = admin.rota();
        Path target;
        try {
            target = rota.caller().workingDir().resolve(directory).normalize();
        } catch (InvalidPathException e) {
            throw new ParameterException(spec.commandLine(), "DIR is not a usable path: " + e.getMessage());
        }
        BackupResponse backup = rota.daemon().backup(target.toString());
        rota.out().print(json ? BackupJson.of(backup) : summary(backup) + "\n");
        return 0;
    }

    /** e.g. {@code Backup of 1204 jobs written to /backups/rota-0101 (3.52 MiB)}. */
    static String summary(BackupResponse backup) {
        long jobs = backup.getJobs();
        return String.format(Locale.ROOT, "Backup of %d %s written to %s (%.2f MiB)", jobs, jobs == 1 ? "job" : "jobs",
                backup.getDirectory(), backup.getSizeBytes() / (1024.0 * 1024.0));
    }
}
