package dev.rota.cli.sbatch;

/**
 * One problem or remark about a submission, with where it was found, printed like a compiler's:
 * {@code train.sh:7: invalid --time value '1 day' (use M, ...)}, {@code train.sh:5: warning: ...},
 * {@code rota: warning: ...} for the command line.
 *
 * @param origin   where it was found
 * @param severity whether it stops the submission
 * @param message  what is wrong, naming the option and the value as written; no origin, no severity
 */
public record Diagnostic(Origin origin, Severity severity, String message) {

    /** How serious a diagnostic is. */
    public enum Severity {
        /** The job is not submitted. */
        ERROR,
        /** The job is submitted, but not everything asked for is honoured. */
        WARNING,
        /** How Rota read something the user may not expect; nothing is lost. */
        NOTE
    }

    public static Diagnostic error(Origin origin, String message) {
        return new Diagnostic(origin, Severity.ERROR, message);
    }

    public static Diagnostic warning(Origin origin, String message) {
        return new Diagnostic(origin, Severity.WARNING, message);
    }

    public static Diagnostic note(Origin origin, String message) {
        return new Diagnostic(origin, Severity.NOTE, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The line to print: origin, severity (none for errors), message. */
    public String render() {
        return origin.prefix() + switch (severity) {
            case ERROR -> "";
            case WARNING -> "warning: ";
            case NOTE -> "note: ";
        } + message;
    }
}
