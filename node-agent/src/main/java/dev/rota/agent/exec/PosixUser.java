package dev.rota.agent.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A user account of this host, as {@code getent passwd} (so NSS: files, LDAP, SSSD) lists it.
 * Immutable.
 *
 * @param name  login name
 * @param uid   user id
 * @param gid   primary group id
 * @param home  home directory
 * @param shell login shell (may be empty)
 */
public record PosixUser(String name, long uid, long gid, String home, String shell) {

    public PosixUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(shell, "shell");
    }

    /** Whether this is the superuser. */
    public boolean isRoot() {
        return uid == 0;
    }

    /**
     * Reads one {@code passwd} line, {@code name:password:uid:gid:gecos:home:shell}.
     *
     * @throws IllegalArgumentException naming the problem, for anything else
     */
    public static PosixUser parse(String line) {
        String[] f = line.strip().split(":", -1);
        if (f.length != 7 || f[0].isEmpty()) {
            throw new IllegalArgumentException("not a passwd entry: '" + line.strip() + "'");
        }
        try {
            return new PosixUser(f[0], Long.parseLong(f[2]), Long.parseLong(f[3]), f[5], f[6]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a passwd entry (uid or gid not a number): '" + line.strip() + "'");
        }
    }

    /**
     * Looks {@code name} up with {@code getent passwd NAME}; empty when there is no such user. Blocks
     * for at most a few seconds.
     *
     * @throws IOException when getent cannot be run, times out or prints something unreadable
     */
    public static Optional<PosixUser> lookup(String name) throws IOException {
        if (name.isEmpty() || name.startsWith("-") || name.contains(":") || name.contains("\n")) {
            return Optional.empty();
        }
        Process p = new ProcessBuilder("getent", "passwd", name).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("getent passwd " + name + " did not answer within 5 s");
            }
            // getent: 0 found, 2 not found.
            if (p.exitValue() == 2) {
                return Optional.empty();
            }
            if (p.exitValue() != 0) {
                throw new IOException("getent passwd " + name + " exited " + p.exitValue());
            }
            String first = new String(out, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            PosixUser user = parse(first);
            return user.name().equals(name) ? Optional.of(user) : Optional.empty();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking up user " + name);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
    }
}
