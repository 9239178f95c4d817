package dev.rota.cli.channel;

/**
 * Where {@code rotad} listens for clients: {@code HOST:PORT}, with IPv6 hosts in brackets
 * ({@code [::1]:7070}).
 *
 * @param host a host name or IP literal (IPv6 without brackets)
 * @param port 1 to 65535
 */
public record DaemonAddress(String host, int port) {
    /** The address {@code rota} uses when neither {@code --address} nor {@code ROTA_ADDRESS} is set. */
    public static final String DEFAULT = "127.0.0.1:7070";

    public DaemonAddress {
        if (host.isBlank()) {
            throw new IllegalArgumentException("the daemon's host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
    }

    /**
     * Reads {@code HOST:PORT}.
     *
     * @throws IllegalArgumentException naming {@code text} when it is not of that form
     */
    public static DaemonAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : "";
        String port = colon > 0 ? text.substring(colon + 1) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            host = ""; // an IPv6 literal needs brackets, or its last group reads as the port
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)
                || port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(text);
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65_535) {
            throw invalid(text);
        }
        return new DaemonAddress(host, number);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "invalid daemon address '" + text + "' (use HOST:PORT, e.g. " + DEFAULT + ")");
    }

    /** {@code HOST:PORT}, as {@link #parse} reads it. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
