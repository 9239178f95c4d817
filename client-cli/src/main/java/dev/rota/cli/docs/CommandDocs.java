package dev.rota.cli.docs;

import dev.rota.cli.RotaCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Completion scripts (picocli's {@link AutoComplete}) and man pages (troff, written here from each
 * command's {@link CommandSpec}: picocli's own man page generator is in picocli-codegen, which the
 * build does not have).
 */
public final class CommandDocs {
    private CommandDocs() {}

    public enum Shell { bash, zsh }

    /** The completion script for {@code shell}. picocli's bash script also runs in zsh (bashcompinit). */
    public static String completion(CommandLine rota, Shell shell) {
        String bash = AutoComplete.bash("rota", rota);
        return shell == Shell.zsh ? "#compdef rota\n" + bash : bash;
    }

    /**
     * Writes {@code DIR/completion/rota.bash}, {@code DIR/completion/_rota} and
     * {@code DIR/man/man1/rota.1}, {@code rota-COMMAND.1}, ... (used by the packaging).
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CommandDocs DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        CommandLine rota = new RotaCli().commandLine(new PrintWriter(System.out), new PrintWriter(System.err));
        Files.createDirectories(dir.resolve("completion"));
        Files.writeString(dir.resolve("completion/rota.bash"), completion(rota, Shell.bash), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("completion/_rota"), completion(rota, Shell.zsh), StandardCharsets.UTF_8);
        Path man = Files.createDirectories(dir.resolve("man/man1"));
        writeMan(man, rota, "rota");
    }

    private static void writeMan(Path dir, CommandLine command, String name) throws IOException {
        Files.writeString(dir.resolve(name + ".1"), manPage(command, name), StandardCharsets.UTF_8);
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            if (!sub.getKey().equals("help")) {
                writeMan(dir, sub.getValue(), name + "-" + sub.getKey());
            }
        }
    }

    /** One command's man page in troff (man(7) macros). */
    public static String manPage(CommandLine command, String name) {
        CommandSpec spec = command.getCommandSpec();
        StringBuilder t = new StringBuilder();
        t.append(".TH ").append(name.toUpperCase(Locale.ROOT)).append(" 1 \"\" \"Rota\" \"Rota Manual\"\n");
        t.append(".SH NAME\n").append(escape(name)).append(" \\- ")
                .append(escape(first(spec.usageMessage().description()))).append('\n');
        t.append(".SH SYNOPSIS\n.nf\n").append(escape(new CommandLine.Help(spec, new CommandLine.Help.ColorScheme.Builder(
                CommandLine.Help.Ansi.OFF).build()).synopsis(0).stripTrailing())).append("\n.fi\n");
        t.append(".SH DESCRIPTION\n");
        for (String line : spec.usageMessage().description()) {
            t.append(escape(line)).append("\n.PP\n");
        }
        if (!spec.subcommands().isEmpty()) {
            t.append(".SH COMMANDS\n");
            spec.subcommands().forEach((sub, cl) -> {
                if (!sub.equals("help")) {
                    t.append(".TP\n.B ").append(escape(sub)).append('\n')
                            .append(escape(first(cl.getCommandSpec().usageMessage().description()))).append('\n');
                }
            });
        }
        if (!spec.positionalParameters().isEmpty() || !spec.options().isEmpty()) {
            t.append(".SH OPTIONS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                t.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n')
                        .append(escape(String.join(" ", p.description()))).append('\n');
            }
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                t.append(".TP\n.B ").append(escape(String.join(", ", o.names())));
                if (o.arity().max() > 0) {
                    t.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
                }
                t.append('\n').append(escape(String.join(" ", o.description()))).append('\n');
            }
        }
        for (String line : spec.usageMessage().footer()) {
            if (!line.isBlank()) {
                t.append(escape(line)).append("\n.br\n");
            }
        }
        t.append(".SH EXIT STATUS\n0 success, 1 the operation failed, 2 usage error.\n");
        t.append(".SH SEE ALSO\n").append(name.equals("rota") ? "rota-queue(1), rota-submit(1), rotad(8)" : "rota(1)")
                .append('\n');
        return t.toString();
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? "" : lines[0];
    }

    /** Backslashes doubled; a line starting with . or ' is protected; hyphens of options kept literal. */
    private static String escape(String text) {
        StringWriter out = new StringWriter();
        String escaped = text.replace("%%", "%").replace("\\", "\\e").replace("-", "\\-");
        for (String line : escaped.split("\n", -1)) {
            if (line.startsWith(".") || line.startsWith("'")) {
                out.append("\\&");
            }
            out.append(line).append('\n');
        }
        String s = out.toString();
        return s.substring(0, s.length() - 1);
    }
}
