package dev.rota.agent.health;

/**
 * The kernel log, where the NVIDIA driver writes XID events ({@code NVRM: Xid (PCI:...): 79, ...}):
 * {@link DmesgKernelLog} runs {@code dmesg} (or {@code journalctl -k}); tests pass a lambda that
 * returns text. Implementations are thread-safe, may block for their own timeout, and never throw.
 */
@FunctionalInterface
public interface KernelLog {

    /** The log since boot, as text; {@link Reading.Unavailable} when it cannot be read. */
    Reading<String> read();
}
