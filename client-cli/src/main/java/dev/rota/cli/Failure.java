package dev.rota.cli;

/**
 * An operation failed for a reason the user can read and act on: a job that does not exist, an
 * unreachable daemon, a request the daemon refused, an unreadable script. {@link RotaCli} prints
 * the message after {@code rota: } on stderr and exits with 1. Usage errors are picocli's
 * {@code ParameterException} instead (exit 2).
 */
final class Failure extends RuntimeException {
    private final boolean daemonUnusable;

    /** A failure of this one operation. */
    Failure(String message) {
        this(message, false);
    }

    /**
     * @param daemonUnusable whether any further call would fail the same way (daemon unreachable,
     *                       not answering, too old), so a command working through a list should stop
     */
    Failure(String message, boolean daemonUnusable) {
        super(message, null, false, false);
        this.daemonUnusable = daemonUnusable;
    }

    boolean daemonUnusable() {
        return daemonUnusable;
    }
}
