package dev.rota.sim.trace;

/** A trace or cluster file that cannot be read; the message starts with {@code file:line:}. */
public final class TraceFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public TraceFormatException(String message) {
        super(message, null, false, false);
    }

    static TraceFormatException at(String file, int line, String problem) {
        return new TraceFormatException(file + ":" + line + ": " + problem);
    }
}
