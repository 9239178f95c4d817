package dev.rota.daemon.store;

/** The store could not make a change durable, or cannot be opened. The daemon stops acknowledging. */
public final class StoreFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreFailure(String message) {
        super(message);
    }
}
