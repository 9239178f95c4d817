package dev.rota.cli;

import dev.rota.cli.render.PolicyViews;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code rota share}: the fair-share tree (like sshare). */
@Command(name = "share", mixinStandardHelpOptions = true,
        description = "Show the fair-share tree: each account and user, shares, decayed GPU-hours used, and the "
                + "fair-share factor (like sshare).")
final class ShareCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Option(names = "--json", description = "Print {\"rows\": [...]} (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        var response = rota.daemon().fairShare();
        rota.out().print(json ? PolicyViews.sharesJson(response) : PolicyViews.shares(response));
        return 0;
    }
}
