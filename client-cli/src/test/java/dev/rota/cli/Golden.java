package dev.rota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: expected human output under {@code src/test/resources/golden/NAME.txt}. Run the
 * tests with {@code -Drota.golden.update=true} to rewrite them after an intended change (then read
 * the diff before committing).
 */
final class Golden {
    private static final Path DIR = Path.of("src/test/resources/golden");

    private Golden() {}

    static void assertMatches(String name, String actual) {
        Path file = DIR.resolve(name + ".txt");
        try {
            if (Boolean.getBoolean("rota.golden.update")) {
                Files.createDirectories(DIR);
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            assertThat(file).as("golden file %s (create it with -Drota.golden.update=true)", file).exists();
            assertThat(actual).as("output against %s", file).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
