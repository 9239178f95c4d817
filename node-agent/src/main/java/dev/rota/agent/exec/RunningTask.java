package dev.rota.agent.exec;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One srun task started by {@link JobSupervisor#startTask}: a process that leads its own process
 * group. When it exits, the supervisor kills whatever it left behind in its group. Thread-safe.
 */
public final class RunningTask {

    private final AllocationId allocation;
    private final Process process;
    private final ScheduledExecutorService timer;

    RunningTask(AllocationId allocation, Process process, ScheduledExecutorService timer) {
        this.allocation = allocation;
        this.process = process;
        this.timer = timer;
    }

    public AllocationId allocation() {
        return allocation;
    }

    /** The task's process (its pipes are the task's stdout and stderr). */
    public Process process() {
        return process;
    }

    /**
     * Sends TERM to the task's process group and process tree, KILL after {@code grace}. Does not
     * block; the future completes when none of them is left. Safe to call repeatedly and after exit.
     */
    public CompletableFuture<Void> terminate(Duration grace) {
        return Termination.start(timer, targets(), "TERM", grace, "task " + process.pid() + " of job " + allocation);
    }

    Termination.Targets targets() {
        return new Termination.Targets(Set.of(process.pid()), Set.of(process.pid()), Set.of(), List.of());
    }
}
