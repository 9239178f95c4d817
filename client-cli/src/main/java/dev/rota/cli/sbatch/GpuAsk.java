package dev.rota.cli.sbatch;

import java.util.Locale;
import java.util.Optional;

/**
 * One GPU request as written, in any of sbatch's four forms, before it becomes a count per node.
 *
 * @param form  which option asked
 * @param count how many GPUs, in the form's unit (per node, per task, or for the whole job)
 * @param type  the GPU type asked for ({@code a100}), as written; empty for any GPU
 */
public record GpuAsk(Form form, int count, Optional<String> type) {

    /** The four ways sbatch asks for GPUs. */
    public enum Form {
        /** {@code --gpus-per-node=[TYPE:]N}: N on each node. */
        PER_NODE("--gpus-per-node"),
        /** {@code --gres=gpu[:TYPE][:N]}: N (default 1) on each node. */
        GRES("--gres"),
        /** {@code --gpus-per-task=[TYPE:]N}: N for each task. */
        PER_TASK("--gpus-per-task"),
        /** {@code --gpus/-G=[TYPE:]N}: N for the whole job. */
        TOTAL("--gpus");

        private final String option;

        Form(String option) {
            this.option = option;
        }

        public String option() {
            return option;
        }
    }

    /**
     * Parses {@code [TYPE:]N} for {@code --gpus}, {@code --gpus-per-node} or {@code --gpus-per-task}.
     *
     * @throws IllegalArgumentException naming the option and the value
     */
    public static GpuAsk parse(Form form, String text) {
        if (form == Form.GRES) {
            throw new IllegalArgumentException("use parseGres for --gres");
        }
        if (text.contains(",")) {
            throw new IllegalArgumentException("invalid " + form.option() + " value '" + text
                    + "': one GPU type per job (Rota places one kind of GPU)");
        }
        int colon = text.lastIndexOf(':');
        String type = colon < 0 ? null : text.substring(0, colon);
        String count = text.substring(colon + 1);
        try {
            if (type != null && (type.isEmpty() || type.contains(":"))) {
                throw new NumberFormatException(type);
            }
            return new GpuAsk(form, Numbers.nonNegative(count), Optional.ofNullable(type));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + form.option() + " value '" + text
                    + "' (use N or TYPE:N, e.g. 8 or a100:8)");
        }
    }

    /**
     * Parses a {@code --gres} list for its GPUs: {@code gpu}, {@code gpu:N}, {@code gpu:TYPE},
     * {@code gpu:TYPE:N}; {@code none} asks for nothing.
     *
     * @return the GPU request; empty for {@code none}
     * @throws IllegalArgumentException for anything but GPUs, several GPU entries, or a bad count
     */
    public static Optional<GpuAsk> parseGres(String text) {
        if (text.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        GpuAsk found = null;
        for (String entry : text.split(",", -1)) {
            String[] parts = entry.split(":", -1);
            String name = parts[0].startsWith("gres/") ? parts[0].substring(5) : parts[0];
            if (!name.toLowerCase(Locale.ROOT).equals("gpu")) {
                throw new IllegalArgumentException("invalid --gres value '" + text + "': Rota schedules only GPUs, not '"
                        + (name.isEmpty() ? entry : name) + "' (use gpu[:TYPE][:N])");
            }
            if (found != null) {
                throw new IllegalArgumentException("invalid --gres value '" + text
                        + "': one GPU entry per job (Rota places one kind of GPU)");
            }
            try {
                found = switch (parts.length) {
                    case 1 -> new GpuAsk(Form.GRES, 1, Optional.empty());
                    case 2 -> isCount(parts[1]) ? new GpuAsk(Form.GRES, Numbers.nonNegative(parts[1]), Optional.empty())
                            : new GpuAsk(Form.GRES, 1, Optional.of(type(parts[1])));
                    case 3 -> new GpuAsk(Form.GRES, Numbers.nonNegative(parts[2]), Optional.of(type(parts[1])));
                    default -> throw new NumberFormatException(entry);
                };
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid --gres value '" + text
                        + "' (use gpu[:TYPE][:N], e.g. gpu:4 or gpu:a100:4)");
            }
        }
        return Optional.of(found);
    }

    /** {@code a100:8}, or {@code 8}: the value as sbatch would take it back. */
    public String display() {
        return type.map(t -> t + ":").orElse("") + count;
    }

    private static boolean isCount(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String type(String text) {
        if (text.isEmpty()) {
            throw new NumberFormatException("empty type");
        }
        return text;
    }
}
