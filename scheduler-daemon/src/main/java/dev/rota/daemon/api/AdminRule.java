package dev.rota.daemon.api;

/**
 * Who is an admin, for the job API's admin-only changes (an admin hold, a longer time limit): today
 * {@code root} and the user rotad runs as, as {@link AdminEndpoint} decides for its own calls. The
 * engine is told the answer with each event; it never decides who is an admin itself.
 */
final class AdminRule {
    private final String daemonUser;

    AdminRule(String daemonUser) {
        this.daemonUser = daemonUser;
    }

    static AdminRule ofThisProcess() {
        return new AdminRule(System.getProperty("user.name"));
    }

    boolean isAdmin(String user) {
        return user.equals("root") || user.equals(daemonUser);
    }
}
