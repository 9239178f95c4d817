package dev.rota.cli.sbatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** getopt_long's grammar, as sbatch uses it, over the option table. */
class OptionReaderTest {

    /** Reads a command line and shows each setting as --canonical=value. */
    private static List<String> read(String... args) {
        OptionReader.Reading reading = OptionReader.commandLine(List.of(args));
        assertThat(reading.diagnostics()).as("errors").isEmpty();
        return reading.settings().stream().map(Setting::display).toList();
    }

    static Stream<Arguments> forms() {
        return Stream.of(
                Arguments.of("long with =", List.of("--nodes=2"), List.of("--nodes=2")),
                Arguments.of("long with a space", List.of("--nodes", "2"), List.of("--nodes=2")),
                Arguments.of("short with a space", List.of("-N", "2"), List.of("--nodes=2")),
                Arguments.of("short attached", List.of("-N2"), List.of("--nodes=2")),
                Arguments.of("short attached with =", List.of("-N=2"), List.of("--nodes==2")),
                Arguments.of("value that looks like an option", List.of("--output", "-weird.out"),
                        List.of("--output=-weird.out")),
                Arguments.of("empty value with =", List.of("--job-name="), List.of("--job-name=")),
                Arguments.of("value holding =", List.of("--export=ALL,A=b"), List.of("--export=ALL,A=b")),
                Arguments.of("unique prefix", List.of("--ntasks-per-n=8"), List.of("--ntasks-per-node=8")),
                Arguments.of("short prefix", List.of("--part", "gpu"), List.of("--partition=gpu")),
                Arguments.of("an exact name beats longer ones", List.of("--mem=0"), List.of("--mem=0")),
                Arguments.of("an exact name beats an alias prefix", List.of("--time=5"), List.of("--time=5")),
                Arguments.of("the old alias", List.of("--tasks-per-node=4"), List.of("--ntasks-per-node=4")),
                Arguments.of("a prefix of the alias", List.of("--tasks=4"), List.of("--ntasks-per-node=4")),
                Arguments.of("flag", List.of("--exclusive"), List.of("--exclusive")),
                Arguments.of("optional value with =", List.of("--exclusive=user"), List.of("--exclusive=user")),
                Arguments.of("optional value never takes the next word", List.of("--exclusive", "user"),
                        List.of("--exclusive")),
                Arguments.of("grouped short flags", List.of("-HQ"), List.of("--hold", "--quiet")),
                Arguments.of("grouped flags then a value", List.of("-QN2"), List.of("--quiet", "--nodes=2")),
                Arguments.of("several options in order", List.of("-J", "a", "-t", "5", "-J", "b"),
                        List.of("--job-name=a", "--time=5", "--job-name=b")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void readsEveryFormGetoptAccepts(String name, List<String> args, List<String> settings) {
        assertThat(read(args.toArray(String[]::new))).isEqualTo(settings);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("unknown long option", List.of("--bogus"), "unrecognized option '--bogus'"),
                Arguments.of("typo glued to its value", List.of("--mem-4G"),
                        "unrecognized option '--mem-4G' (did you mean --mem=4G?)"),
                Arguments.of("a short option with two dashes", List.of("--D", "."),
                        "unrecognized option '--D' (did you mean -D?)"),
                Arguments.of("unknown short option", List.of("-z"), "invalid option -- 'z'"),
                Arguments.of("ambiguous prefix", List.of("--gpus-per=2"),
                        "option '--gpus-per' is ambiguous; possibilities: '--gpus-per-node' '--gpus-per-task' "
                                + "'--gpus-per-socket'"),
                Arguments.of("missing value at the end", List.of("--nodes"), "option '--nodes' requires an argument"),
                Arguments.of("short missing value", List.of("-t"), "option requires an argument -- 't' (--time)"),
                Arguments.of("value for a flag", List.of("--hold=yes"), "option '--hold' doesn't allow an argument"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void reportsWhatGetoptReports(String name, List<String> args, String message) {
        OptionReader.Reading reading = OptionReader.commandLine(args);
        assertThat(reading.diagnostics()).extracting(Diagnostic::message).containsExactly(message);
    }

    @Test
    void theCommandLineStopsAtTheScriptAndKeepsTheRestAsItsArguments() {
        OptionReader.Reading reading = OptionReader.commandLine(List.of("-N", "2", "train.sh", "--lr", "3e-4", "-N", "9"));

        assertThat(reading.settings()).extracting(Setting::display).containsExactly("--nodes=2");
        assertThat(reading.operands()).extracting(Word::text).containsExactly("train.sh", "--lr", "3e-4", "-N", "9");
    }

    @Test
    void doubleDashEndsTheOptionsSoAScriptMayStartWithADash() {
        OptionReader.Reading reading = OptionReader.commandLine(List.of("-N", "2", "--", "-odd.sh", "x"));

        assertThat(reading.settings()).extracting(Setting::display).containsExactly("--nodes=2");
        assertThat(reading.operands()).extracting(Word::text).containsExactly("-odd.sh", "x");
    }

    @Test
    void aLoneDashIsTheScriptFromStdin() {
        OptionReader.Reading reading = OptionReader.commandLine(List.of("-J", "x", "-", "arg"));

        assertThat(reading.operands()).extracting(Word::text).containsExactly("-", "arg");
    }

    @Test
    void inDirectivesAStrayWordIsAnInvalidDirectiveAndTheRestOfItsLineIsSkipped() {
        Origin line3 = new Origin.ScriptLine("job.sh", 3);
        Origin line4 = new Origin.ScriptLine("job.sh", 4);
        List<Word> words = List.of(new Word("--nodes", line3), new Word("{{", line3), new Word("nodes", line3),
                new Word("}}", line3), new Word("-t", line4), new Word("5", line4));

        OptionReader.Reading reading = OptionReader.directives(words);

        assertThat(reading.settings()).extracting(Setting::display).containsExactly("--nodes={{", "--time=5");
        assertThat(reading.diagnostics()).extracting(Diagnostic::render).containsExactly(
                "job.sh:3: invalid directive 'nodes': not an option (sbatch refuses it too)");
    }

    @Test
    void inDirectivesAValueMayComeFromTheNextLineAsInSbatch() {
        List<Word> words = List.of(new Word("--nodes", new Origin.ScriptLine("job.sh", 2)),
                new Word("4", new Origin.ScriptLine("job.sh", 3)));

        OptionReader.Reading reading = OptionReader.directives(words);

        assertThat(reading.settings()).containsExactly(
                new Setting(SbatchOption.NODES, "4", new Origin.ScriptLine("job.sh", 2)));
    }

    @Test
    void everyShortLetterAndLongNameIsUnique() {
        List<Character> letters = Stream.of(SbatchOption.values()).map(SbatchOption::shortName).filter(c -> c != 0)
                .toList();
        List<String> names = Stream.of(SbatchOption.values()).flatMap(o -> o.longNames().stream()).toList();

        assertThat(letters).doesNotHaveDuplicates();
        assertThat(names).doesNotHaveDuplicates();
    }
}
