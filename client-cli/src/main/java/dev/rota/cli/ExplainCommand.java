package dev.rota.cli;

import dev.rota.cli.render.PolicyViews;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rota explain JOB}: why a job waits and what would let it start sooner. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain why a job waits: its pending reason in words, what the scheduler sees (nodes that "
                + "fit its gang now, its priority and rank, the limit that holds it), its estimated start, and "
                + "the smallest changes that would let it start now."})
final class ExplainCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Parameters(paramLabel = "JOB", description = "The job id.")
    private long jobId;

    @Option(names = "--json", description = "Print the explanation as JSON (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        var explanation = rota.daemon().explain(jobId);
        rota.out().print(json ? PolicyViews.explanationJson(explanation) : PolicyViews.explanation(explanation));
        return 0;
    }
}
