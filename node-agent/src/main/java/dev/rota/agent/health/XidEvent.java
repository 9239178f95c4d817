package dev.rota.agent.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One XID event: an error report of the NVIDIA driver in the kernel log, e.g.
 * {@code NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, GPU has fallen off the bus.} (format from NVIDIA's
 * "Xid Errors" documentation, https://docs.nvidia.com/deploy/xid-errors/).
 *
 * @param pciAddress the GPU's PCI address as the line names it, e.g. {@code 0000:3b:00}
 * @param xid        the XID number
 * @param text       the rest of the line after the number (process, message), for logs only
 */
public record XidEvent(String pciAddress, int xid, String text) {

    private static final Pattern LINE = Pattern.compile(
            "NVRM: Xid \\((?:PCI:)?([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}(?:\\.[0-7])?)\\):?\\s*(\\d{1,5})\\b,?\\s*(.*)");

    /**
     * Short names of the XIDs an operator meets most, used in drain reasons. From NVIDIA's Xid
     * catalog (https://docs.nvidia.com/deploy/xid-errors/analyzing-xid-catalog.html) and the
     * A100 memory error management guide (https://docs.nvidia.com/deploy/a100-gpu-mem-error-mgmt/).
     */
    static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(13, "Graphics Engine Exception"),
            Map.entry(31, "GPU memory page fault"),
            Map.entry(43, "GPU stopped processing"),
            Map.entry(45, "preemptive cleanup, due to previous errors"),
            Map.entry(48, "double bit ECC error"),
            Map.entry(61, "internal micro-controller breakpoint/warning"),
            Map.entry(62, "internal micro-controller halt"),
            Map.entry(63, "ECC page retirement or row remapping recorded"),
            Map.entry(64, "ECC page retirement or row remapping failure"),
            Map.entry(68, "video processor exception"),
            Map.entry(69, "graphics engine class error"),
            Map.entry(74, "NVLink error"),
            Map.entry(79, "GPU has fallen off the bus"),
            Map.entry(92, "high single-bit ECC error rate"),
            Map.entry(94, "contained ECC error"),
            Map.entry(95, "uncontained ECC error"),
            Map.entry(119, "GSP RPC timeout"),
            Map.entry(120, "GSP error"));

    public XidEvent {
        Objects.requireNonNull(pciAddress, "pciAddress");
        Objects.requireNonNull(text, "text");
    }

    /** {@code XID 79 (GPU has fallen off the bus)}, or {@code XID 150} for XIDs without a name here. */
    public String describe() {
        String name = NAMES.get(xid);
        return name == null ? "XID " + xid : "XID " + xid + " (" + name + ")";
    }

    /**
     * Every XID line in {@code log} (dmesg or journalctl output; anything else on a line before
     * {@code NVRM:} is ignored), in log order. Lines that only look similar are skipped. Pure.
     */
    public static List<XidEvent> parse(String log) {
        List<XidEvent> events = new ArrayList<>();
        int from = 0;
        while (true) {
            int at = log.indexOf("NVRM: Xid", from);
            if (at < 0) {
                return events;
            }
            int end = log.indexOf('\n', at);
            String line = log.substring(at, end < 0 ? log.length() : end).strip();
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                events.add(new XidEvent(m.group(1), Integer.parseInt(m.group(2)), m.group(3).strip()));
            }
            if (end < 0) {
                return events;
            }
            from = end + 1;
        }
    }
}
