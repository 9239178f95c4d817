package dev.rota.cli;

import dev.rota.core.node.Hostlist;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Node arguments of drain and resume: names or hostlists ({@code gpu[001-016],cpu-1}), expanded. */
final class NodeNames {
    private NodeNames() {}

    /**
     * @return every node named, in the order given, each once
     * @throws ParameterException (a usage error) for a malformed hostlist
     */
    static List<String> expand(CommandLine command, List<String> arguments) {
        Set<String> names = new LinkedHashSet<>();
        for (String argument : arguments) {
            try {
                names.addAll(Hostlist.expand(argument));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(command, e.getMessage());
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * Runs {@code action} for each node; a failure for one node is reported on stderr and the
     * others still run, unless the daemon itself is unusable.
     *
     * @return 0 when every node succeeded, else 1
     */
    static int forEach(CommandLine command, List<String> nodes, java.util.function.Consumer<String> action) {
        int exit = 0;
        for (String node : nodes) {
            try {
                action.accept(node);
            } catch (Failure e) {
                if (e.daemonUnusable() || nodes.size() == 1) {
                    throw e;
                }
                command.getErr().println("rota: " + e.getMessage());
                exit = 1;
            }
        }
        return exit;
    }
}
