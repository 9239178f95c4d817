package dev.rota.cli;

import dev.rota.api.v1.AuditEntry;
import dev.rota.api.v1.ListAuditRequest;
import dev.rota.cli.render.AuditViews;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rota audit}: the daemon's audit log of cancels, drains, resumes and backups (admins only). */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show the audit log, oldest first: every cancel, drain, resume and backup the daemon answered, "
                + "refused ones too (who, what, when, from which address, outcome). Admins only; kept for the "
                + "daemon's audit retention (default 365 days).")
final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    private RotaCli rota;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-S", "--since"}, paramLabel = "TIME",
            description = "Only entries at or after TIME: YYYY-MM-DD[THH:MM[:SS]], now, now-7d ...")
    private String since;

    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "Only entries before TIME.")
    private String until;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Only this caller's entries.")
    private String user;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "100",
            description = "The most recent N entries (default: ${DEFAULT-VALUE}, at most 10000).")
    private int limit;

    @Option(names = "--json", description = "Print {\"entries\": [...]} (see docs/cli-json.md).")
    private boolean json;

    @Override
    public Integer call() {
        TimeWindow.checkLimit(spec, limit);
        Instant now = rota.clock().instant();
        ListAuditRequest.Builder request = ListAuditRequest.newBuilder().setLimit(limit);
        if (user != null) {
            request.setUser(user);
        }
        if (since != null) {
            request.setSince(TimeWindow.bound(spec, since, now, rota.clock().getZone()));
        }
        if (until != null) {
            request.setUntil(TimeWindow.bound(spec, until, now, rota.clock().getZone()));
        }
        List<AuditEntry> entries = rota.daemon().audit(request.build());
        rota.out().print(json ? AuditViews.json(entries) : AuditViews.table(entries, rota.clock().getZone()));
        return 0;
    }
}
