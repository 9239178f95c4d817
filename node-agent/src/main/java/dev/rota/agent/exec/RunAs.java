package dev.rota.agent.exec;

/** Whose identity a job's processes take. */
public enum RunAs {
    /**
     * The agent's own user, whoever submitted the job: an agent that is not root can do nothing
     * else. An agent that is root runs jobs as root this way only with {@code allowRootJobs}.
     */
    AGENT_USER,
    /**
     * The submitting user (uid, gid, supplementary groups), with that user's home and a clean
     * environment plus the job's: what a root agent does, like slurmd. A job submitted by root is
     * refused unless {@code allowRootJobs}.
     */
    SUBMITTER
}
