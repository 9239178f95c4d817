package dev.rota.cli.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code rota} finds its daemon, and how it learnt it: {@code --address}, else
 * {@code $ROTA_ADDRESS}, else the config file ({@code $XDG_CONFIG_HOME/rota/config}, else
 * {@code ~/.config/rota/config}), else {@link DaemonAddress#DEFAULT}.
 *
 * <p>The config file holds {@code key = value} lines; blank lines and lines starting with
 * {@code #} are ignored. Known keys: {@code address}.
 *
 * @param address    the daemon address in effect
 * @param origin     where it came from, in words: "--address", "ROTA_ADDRESS", "/home/a/.config/rota/config:3", "default"
 * @param configFile the config file looked at
 * @param configRead whether that file exists (and was read)
 */
public record ClientSettings(DaemonAddress address, String origin, Path configFile, boolean configRead) {
    /** Keys the config file may hold. */
    public static final List<String> KEYS = List.of("address");

    /**
     * @param flag        the {@code --address} value, or null
     * @param environment the caller's environment
     * @throws IllegalArgumentException naming the source (flag, variable, file:line) and the problem
     */
    public static ClientSettings resolve(String flag, Map<String, String> environment) {
        Path file = configFile(environment);
        if (flag != null) {
            return new ClientSettings(parse(flag, "--address"), "--address", file, Files.isRegularFile(file));
        }
        String env = environment.getOrDefault("ROTA_ADDRESS", "");
        if (!env.isBlank()) {
            return new ClientSettings(parse(env, "ROTA_ADDRESS"), "ROTA_ADDRESS", file, Files.isRegularFile(file));
        }
        if (Files.isRegularFile(file)) {
            Optional<Setting> setting = read(file);
            if (setting.isPresent()) {
                return new ClientSettings(parse(setting.get().value(), setting.get().origin()), setting.get().origin(),
                        file, true);
            }
            return new ClientSettings(DaemonAddress.parse(DaemonAddress.DEFAULT), "default", file, true);
        }
        return new ClientSettings(DaemonAddress.parse(DaemonAddress.DEFAULT), "default", file, false);
    }

    /** {@code $XDG_CONFIG_HOME/rota/config}, else {@code $HOME/.config/rota/config}. */
    public static Path configFile(Map<String, String> environment) {
        String xdg = environment.getOrDefault("XDG_CONFIG_HOME", "");
        Path base = !xdg.isBlank() ? Path.of(xdg)
                : Path.of(environment.getOrDefault("HOME", System.getProperty("user.home", "/")), ".config");
        return base.resolve("rota").resolve("config");
    }

    private record Setting(String value, String origin) {
    }

    private static Optional<Setting> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        Setting address = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1);
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(where + ": expected 'key = value', got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown setting '" + key + "' (known: "
                        + String.join(", ", KEYS) + ")");
            }
            address = new Setting(value, where);
        }
        return Optional.ofNullable(address);
    }

    private static DaemonAddress parse(String text, String origin) {
        try {
            return DaemonAddress.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " from " + origin);
        }
    }
}
