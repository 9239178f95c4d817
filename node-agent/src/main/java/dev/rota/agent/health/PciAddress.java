package dev.rota.agent.health;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI address reduced to what names a GPU: domain, bus and device. nvidia-smi writes
 * {@code 00000000:3B:00.0} (eight-digit domain, function), the kernel log's XID lines
 * {@code PCI:0000:3b:00} (four-digit domain, no function); both name the same GPU.
 */
record PciAddress(int domain, int bus, int device) {

    private static final Pattern FORM = Pattern.compile(
            "(?:PCI:)?([0-9A-Fa-f]{1,8}):([0-9A-Fa-f]{1,2}):([0-9A-Fa-f]{1,2})(?:\\.[0-7])?");

    /** Parses either form; empty for anything else (including nvidia-smi's {@code [N/A]}). */
    static Optional<PciAddress> parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new PciAddress(Integer.parseUnsignedInt(m.group(1), 16), Integer.parseInt(m.group(2), 16),
                Integer.parseInt(m.group(3), 16)));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%04x:%02x:%02x", domain, bus, device);
    }
}
