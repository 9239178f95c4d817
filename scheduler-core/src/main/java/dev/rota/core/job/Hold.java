package dev.rota.core.job;

/** Whether a pending job is held back from starting, and by whom (Slurm's user and admin holds). */
public enum Hold {
    NONE(""),
    /** Held by its owner ({@code --hold}, {@code rota hold}); the owner or an admin may release it. */
    USER("JobHeldUser"),
    /** Held by an admin; only an admin may release it. */
    ADMIN("JobHeldAdmin");

    private final String reason;

    Hold(String reason) {
        this.reason = reason;
    }

    /** The pending reason users see while it holds. */
    public String reason() {
        return reason;
    }
}
