package dev.rota.cli.sbatch;

/** What Rota does with an sbatch option. */
public sealed interface Handling {

    /** Rota does what the option asks. */
    Handling APPLIED = new Applied();

    /** Only on the {@code rota submit} command line: help, {@code --wrap}, {@code --json}, {@code --address}. */
    Handling COMMAND_LINE_ONLY = new CommandLineOnly();

    /** Rota does what the option asks. */
    record Applied() implements Handling {}

    /** Only on the command line; an error in a directive. */
    record CommandLineOnly() implements Handling {}

    /**
     * Accepted, its value checked, but not acted on yet: the job runs, and one warning says so.
     *
     * @param consequence what the user gets instead, e.g. "no memory limit is applied"
     */
    record NotEnforced(String consequence) implements Handling {}

    /**
     * Refused: Rota cannot do what the option asks, and running the job without it would be wrong.
     *
     * @param reason why, and what to do instead, e.g. "job arrays are not supported yet"
     */
    record Refused(String reason) implements Handling {}
}
