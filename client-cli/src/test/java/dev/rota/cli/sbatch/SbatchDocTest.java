package dev.rota.cli.sbatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/sbatch.md lists every option of the table, under what Rota does with it. */
class SbatchDocTest {
    private static final Path DOC = Path.of("..", "docs", "sbatch.md");

    static Stream<SbatchOption> options() {
        return Stream.of(SbatchOption.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void everyOptionIsDocumentedInItsSection(SbatchOption option) throws IOException {
        String heading = switch (option.handling()) {
            case Handling.Applied a -> "### Applied";
            case Handling.CommandLineOnly c -> "### Applied";
            case Handling.NotEnforced n -> "### Accepted with a warning";
            case Handling.Refused r -> "### Refused";
        };
        List<String> rows = section(Files.readString(DOC), heading).lines().filter(l -> l.startsWith("| `")).toList();

        for (String name : option.longNames()) {
            String cell = (option.shortName() != 0 && name.equals(option.longName()) ? "`-" + option.shortName() + ", " : "`")
                    + "--" + name + "`";
            assertThat(rows).as("%s under '%s'", cell, heading).anyMatch(row -> row.contains(cell));
        }
    }

    private static String section(String doc, String heading) {
        int start = doc.indexOf(heading + "\n");
        assertThat(start).as(heading).isNotNegative();
        int end = doc.indexOf("\n### ", start + heading.length());
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }
}
