package dev.rota.cli.sbatch;

/** Where an option or a problem comes from: the command line, or one line of a batch script. */
public sealed interface Origin extends Comparable<Origin> {

    /** The {@code rota submit} command line. */
    Origin COMMAND_LINE = new CommandLine();

    /** How a message about this origin starts: {@code rota: } or {@code train.sh:7: }. */
    String prefix();

    /** The command line comes first, then script lines in order. */
    @Override
    default int compareTo(Origin other) {
        return Integer.compare(rank(this), rank(other));
    }

    private static int rank(Origin origin) {
        return switch (origin) {
            case CommandLine c -> 0;
            case ScriptLine s -> s.line();
        };
    }

    /** The {@code rota submit} command line. */
    record CommandLine() implements Origin {
        @Override
        public String prefix() {
            return "rota: ";
        }
    }

    /**
     * A line of a batch script.
     *
     * @param source the script as the user named it ({@code train.sh}), or {@code <stdin>}
     * @param line   1-based line number
     */
    record ScriptLine(String source, int line) implements Origin {
        public ScriptLine {
            if (line < 1) {
                throw new IllegalArgumentException("lines count from 1: " + line);
            }
        }

        @Override
        public String prefix() {
            return source + ":" + line + ": ";
        }
    }
}
