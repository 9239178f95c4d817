package dev.rota.core.engine;

import dev.rota.core.job.JobId;

/** What one event meant for whoever sent it: outcomes are values a user can read, not exceptions. */
public sealed interface Outcome {
    /** A submission got an id. */
    record JobAccepted(JobId job) implements Outcome {
    }

    /** The request was applied (or was already true: the requests are idempotent). */
    record Applied() implements Outcome {
    }

    /** The request was refused; {@code message} says why in words a user can act on. */
    record Rejected(Rejection kind, String message) implements Outcome {
    }

    /** Why a request was refused. */
    enum Rejection {
        /** No such job or node. */
        NOT_FOUND,
        /** The job could never run on this cluster as it is configured. */
        INFEASIBLE,
        /** The caller may not do this. */
        PERMISSION_DENIED
    }

    static Outcome applied() {
        return new Applied();
    }
}
