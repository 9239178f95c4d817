package dev.rota.cli;

import dev.rota.core.job.ArrayIndexes;

/**
 * A job as users name it on the command line: {@code 12}, an array task {@code 12_3}, or tasks of
 * an array {@code 12_[3-5,7]} (scancel's forms).
 *
 * @param job   the job or array id
 * @param tasks the array tasks, as the daemon reads them ({@code 3-5,7}); empty for the whole job
 */
record JobSelector(long job, String tasks) {

    /** @throws IllegalArgumentException naming the forms accepted */
    static JobSelector parse(String text) {
        String t = text.strip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,18})(?:_(\\d{1,9}|\\[([^\\]]+)\\]))?")
                .matcher(t);
        if (!m.matches() || Long.parseLong(m.group(1)) <= 0) {
            throw new IllegalArgumentException("invalid job id '" + text + "' (use 12, 12_3 or 12_[3-5])");
        }
        String tasks = m.group(3) != null ? m.group(3) : m.group(2) != null ? m.group(2) : "";
        if (!tasks.isEmpty()) {
            try {
                tasks = ArrayIndexes.parse(tasks).toString();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid job id '" + text + "': " + e.getMessage());
            }
        }
        return new JobSelector(Long.parseLong(m.group(1)), tasks);
    }

    @Override
    public String toString() {
        return tasks.isEmpty() ? Long.toUnsignedString(job)
                : job + "_" + (tasks.matches("\\d+") ? tasks : "[" + tasks + "]");
    }
}
