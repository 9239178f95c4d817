package dev.rota.cli.sbatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The text after #SBATCH, split into words as sbatch's _get_argument splits it. */
class DirectiveWordsTest {

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("one option", " --nodes=2", List.of("--nodes=2")),
                Arguments.of("option and value", " -N 2", List.of("-N", "2")),
                Arguments.of("tabs and runs of blanks", "\t-p\t\tgpu   -t 10 ", List.of("-p", "gpu", "-t", "10")),
                Arguments.of("nothing", "", List.of()),
                Arguments.of("only blanks", "   \t", List.of()),
                Arguments.of("no blank after the prefix", "--nodes=2", List.of("--nodes=2")),
                Arguments.of("trailing comment", " --nodes=2   # two nodes", List.of("--nodes=2")),
                Arguments.of("comment swallows a second directive", " -N 2 #SBATCH --gres=gpu:4", List.of("-N", "2")),
                Arguments.of("comment in the middle of a word", " --job-name=run#3", List.of("--job-name=run")),
                Arguments.of("double quotes group and go", " -J \"my job\"", List.of("-J", "my job")),
                Arguments.of("single quotes group and go", " --job-name='a b'", List.of("--job-name=a b")),
                Arguments.of("quotes inside a word", " --job-name=\"neox\"", List.of("--job-name=neox")),
                Arguments.of("a quoted hash is text", " -J \"run #3\"", List.of("-J", "run #3")),
                Arguments.of("the other quote inside quotes", " -J \"it's\"", List.of("-J", "it's")),
                Arguments.of("empty quotes are an empty word", " -J \"\"", List.of("-J", "")),
                Arguments.of("backslash escapes a blank", " -J my\\ job", List.of("-J", "my job")),
                Arguments.of("backslash escapes a hash", " -J run\\#3", List.of("-J", "run#3")),
                Arguments.of("backslash escapes a quote", " -J \\\"x", List.of("-J", "\"x")),
                Arguments.of("constraint operators kept", " --constraint=\"[a5000|a6000|a100|3090]\"",
                        List.of("--constraint=[a5000|a6000|a100|3090]")),
                Arguments.of("ampersand kept", " -C \"gpu&hbm40g\"", List.of("-C", "gpu&hbm40g")),
                Arguments.of("hostlist brackets kept", " -x \"della-i14g[1-20]\"", List.of("-x", "della-i14g[1-20]")),
                Arguments.of("variables are not expanded", " --output=$HOME/logs/%j.out", List.of("--output=$HOME/logs/%j.out")),
                Arguments.of("non-ASCII text", " -J \"résumé-训练\"", List.of("-J", "résumé-训练")),
                Arguments.of("an at sign", " --account=six@a100", List.of("--account=six@a100")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void splitsLikeSbatch(String name, String text, List<String> words) {
        assertThat(DirectiveWords.split(text)).isEqualTo(new DirectiveWords.Words(words));
    }

    static Stream<Arguments> unmatched() {
        return Stream.of(
                Arguments.of("double quote left open", " -J \"my job", '"'),
                Arguments.of("single quote left open", " --gres='gpu:4", '\''),
                Arguments.of("typographic quote then a straight one", " --gres=\u2019gpu:4'", '\''));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unmatched")
    void anUnmatchedQuoteIsReported(String name, String text, char quote) {
        assertThat(DirectiveWords.split(text)).isEqualTo(new DirectiveWords.UnmatchedQuote(quote));
    }
}
