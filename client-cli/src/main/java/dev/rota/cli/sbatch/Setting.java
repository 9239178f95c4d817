package dev.rota.cli.sbatch;

/**
 * One option as read: which, its value, and where it was written.
 *
 * @param option the option
 * @param value  its value; null for a flag, or an optional value not given
 * @param origin where the option (not necessarily its value) was written
 */
public record Setting(SbatchOption option, String value, Origin origin) {

    /** {@code --time=10:00} or {@code --exclusive}: the option as messages show it, value included. */
    public String display() {
        return value == null ? option.display() : option.display() + "=" + value;
    }
}
