package dev.rota.cli.sbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The value grammars of sbatch's options: node counts, GPU requests, output patterns, --export. */
class ValueGrammarsTest {

    static Stream<Arguments> nodeCounts() {
        return Stream.of(
                Arguments.of("one number", "4", new NodeCount(4, 4)),
                Arguments.of("a range", "2-8", new NodeCount(2, 8)),
                Arguments.of("a range of one", "3-3", new NodeCount(3, 3)),
                Arguments.of("leading zeros", "016", new NodeCount(16, 16)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("nodeCounts")
    void readsNodeCounts(String name, String text, NodeCount expected) {
        assertThat(NodeCount.parse(text)).isEqualTo(expected);
    }

    static Stream<Arguments> badNodeCounts() {
        return Stream.of(
                Arguments.of("zero", "0", "invalid --nodes value '0' (use N or MIN-MAX, e.g. 2 or 2-4)"),
                Arguments.of("a word", "your_own_num_nodes", "invalid --nodes value 'your_own_num_nodes' (use N or"),
                Arguments.of("open range", "2-", "invalid --nodes value '2-' (use N or"),
                Arguments.of("downward range", "4-2", "invalid --nodes value '4-2': the maximum is below the minimum"),
                Arguments.of("negative", "-2", "invalid --nodes value '-2' (use N or"),
                Arguments.of("a template", "{{", "invalid --nodes value '{{' (use N or"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badNodeCounts")
    void refusesBadNodeCounts(String name, String text, String message) {
        assertThatThrownBy(() -> NodeCount.parse(text)).hasMessageStartingWith(message);
    }

    static Stream<Arguments> gpuRequests() {
        return Stream.of(
                Arguments.of("per node", GpuAsk.Form.PER_NODE, "8", new GpuAsk(GpuAsk.Form.PER_NODE, 8, Optional.empty())),
                Arguments.of("typed per node", GpuAsk.Form.PER_NODE, "a100:1",
                        new GpuAsk(GpuAsk.Form.PER_NODE, 1, Optional.of("a100"))),
                Arguments.of("a memory-size type", GpuAsk.Form.PER_NODE, "40gb:1",
                        new GpuAsk(GpuAsk.Form.PER_NODE, 1, Optional.of("40gb"))),
                Arguments.of("per task", GpuAsk.Form.PER_TASK, "2", new GpuAsk(GpuAsk.Form.PER_TASK, 2, Optional.empty())),
                Arguments.of("whole job", GpuAsk.Form.TOTAL, "h100:16", new GpuAsk(GpuAsk.Form.TOTAL, 16, Optional.of("h100"))),
                Arguments.of("none", GpuAsk.Form.PER_NODE, "0", new GpuAsk(GpuAsk.Form.PER_NODE, 0, Optional.empty())));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("gpuRequests")
    void readsGpuRequests(String name, GpuAsk.Form form, String text, GpuAsk expected) {
        assertThat(GpuAsk.parse(form, text)).isEqualTo(expected);
    }

    static Stream<Arguments> gresValues() {
        return Stream.of(
                Arguments.of("a count", "gpu:4", Optional.of(new GpuAsk(GpuAsk.Form.GRES, 4, Optional.empty()))),
                Arguments.of("a type and a count", "gpu:a100:8", Optional.of(new GpuAsk(GpuAsk.Form.GRES, 8, Optional.of("a100")))),
                Arguments.of("capitals", "gpu:A4000:1", Optional.of(new GpuAsk(GpuAsk.Form.GRES, 1, Optional.of("A4000")))),
                Arguments.of("gpu alone is one", "gpu", Optional.of(new GpuAsk(GpuAsk.Form.GRES, 1, Optional.empty()))),
                Arguments.of("a type alone is one", "gpu:v100", Optional.of(new GpuAsk(GpuAsk.Form.GRES, 1, Optional.of("v100")))),
                Arguments.of("tres spelling", "gres/gpu:2", Optional.of(new GpuAsk(GpuAsk.Form.GRES, 2, Optional.empty()))),
                Arguments.of("none", "none", Optional.empty()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("gresValues")
    void readsGres(String name, String text, Optional<GpuAsk> expected) {
        assertThat(GpuAsk.parseGres(text)).isEqualTo(expected);
    }

    static Stream<Arguments> badGpuRequests() {
        return Stream.of(
                Arguments.of("a word", "eight", "invalid --gpus-per-node value 'eight' (use N or TYPE:N, e.g. 8 or a100:8)"),
                Arguments.of("an empty type", ":4", "invalid --gpus-per-node value ':4' (use N or TYPE:N"),
                Arguments.of("two types", "a100:1,v100:1", "invalid --gpus-per-node value 'a100:1,v100:1': one GPU type per job"),
                Arguments.of("a negative count", "-1", "invalid --gpus-per-node value '-1' (use N or TYPE:N"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badGpuRequests")
    void refusesBadGpuRequests(String name, String text, String message) {
        assertThatThrownBy(() -> GpuAsk.parse(GpuAsk.Form.PER_NODE, text)).hasMessageStartingWith(message);
    }

    static Stream<Arguments> badGres() {
        return Stream.of(
                Arguments.of("another resource", "nvme:1", "invalid --gres value 'nvme:1': Rota schedules only GPUs, not 'nvme'"),
                Arguments.of("GPUs and another resource", "gpu:4,shard:2", "invalid --gres value 'gpu:4,shard:2': Rota "
                        + "schedules only GPUs, not 'shard'"),
                Arguments.of("two GPU entries", "gpu:a100:2,gpu:v100:2", "invalid --gres value 'gpu:a100:2,gpu:v100:2': one "
                        + "GPU entry per job"),
                Arguments.of("a bad count", "gpu:a100:x", "invalid --gres value 'gpu:a100:x' (use gpu[:TYPE][:N]"),
                Arguments.of("too many parts", "gpu:a:b:1", "invalid --gres value 'gpu:a:b:1' (use gpu[:TYPE][:N]"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badGres")
    void refusesBadGres(String name, String text, String message) {
        assertThatThrownBy(() -> GpuAsk.parseGres(text)).hasMessageStartingWith(message);
    }

    static Stream<Arguments> outputPatterns() {
        return Stream.of(
                Arguments.of("what the daemon resolves", "%x-%j-%u-%%.out", "%x-%j-%u-%%.out"),
                Arguments.of("array id (the job id of a plain job)", "%A.out", "%A.out"),
                Arguments.of("array task, zero padded", "%A_%4a.out", "%A_%4a.out"),
                Arguments.of("zero padded job id", "run-%4j.out", "run-%4j.out"),
                Arguments.of("the batch node's name", "%N.out", "%N.out"),
                Arguments.of("job and step", "%J.out", "%j.out"),
                Arguments.of("node index and task of the batch script", "%n-%t.out", "0-0.out"),
                Arguments.of("zero padded node index", "%4n.out", "0000.out"),
                Arguments.of("width on a name is ignored", "%8x.out", "%x.out"),
                Arguments.of("step of the batch script", "%s.out", "batch.out"),
                Arguments.of("a backslash turns patterns off", "a\\%j.out", "a%%j.out"),
                Arguments.of("a trailing percent", "100%", "100%%"),
                Arguments.of("no patterns", "out.txt", "out.txt"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("outputPatterns")
    void rewritesOutputPatternsForTheDaemon(String name, String text, String forDaemon) {
        OutputPattern pattern = OutputPattern.translate(text, "--output");

        assertThat(pattern.pattern()).isEqualTo(forDaemon);
        assertThat(pattern.warnings()).isEmpty();
    }

    @Test
    void anUnknownSequenceIsKeptWithAWarning() {
        OutputPattern pattern = OutputPattern.translate("%b.out", "--error");

        assertThat(pattern.pattern()).isEqualTo("%%b.out");
        assertThat(pattern.warnings()).containsExactly("--error '%b.out': %b is not a pattern Rota knows; kept as written");
    }

    private static final Map<String, String> CALLER = Map.of("PATH", "/bin", "HOME", "/h", "SLURM_CONF", "/etc/s",
            "SECRET", "x");

    static Stream<Arguments> exports() {
        return Stream.of(
                Arguments.of("ALL", "ALL", Map.of("PATH", "/bin", "HOME", "/h", "SLURM_CONF", "/etc/s", "SECRET", "x")),
                Arguments.of("all, any case", "all", CALLER),
                Arguments.of("NONE", "NONE", Map.of()),
                Arguments.of("NIL", "NIL", Map.of()),
                Arguments.of("named ones and SLURM_*", "PATH,HOME", Map.of("PATH", "/bin", "HOME", "/h", "SLURM_CONF", "/etc/s")),
                Arguments.of("a value", "A=1", Map.of("A", "1", "SLURM_CONF", "/etc/s")),
                Arguments.of("ALL and a value", "ALL,SECRET=y,B=", Map.of("PATH", "/bin", "HOME", "/h", "SLURM_CONF", "/etc/s",
                        "SECRET", "y", "B", "")));
    }

    @ParameterizedTest(name = "{0}: --export={1}")
    @MethodSource("exports")
    void exportsWhatSbatchExports(String name, String text, Map<String, String> expected) {
        assertThat(ExportRule.parse(text).apply(CALLER)).isEqualTo(expected);
    }

    @Test
    void aMalformedExportNamesTheItem() {
        assertThatThrownBy(() -> ExportRule.parse("ALL,1X=2"))
                .hasMessage("invalid --export value 'ALL,1X=2': '1X=2' is not a variable (use ALL, NONE, or VAR[=VALUE],...)");
    }

    @Test
    void directiveWordsKeepTheirLines() {
        DirectiveBlock block = DirectiveBlock.read("t.sh", "#!/bin/bash\n#SBATCH -N 2\n\n#SBATCH -J a # b\n");

        assertThat(block.words()).containsExactly(
                new Word("-N", new Origin.ScriptLine("t.sh", 2)), new Word("2", new Origin.ScriptLine("t.sh", 2)),
                new Word("-J", new Origin.ScriptLine("t.sh", 4)), new Word("a", new Origin.ScriptLine("t.sh", 4)));
        assertThat(block.diagnostics()).isEmpty();
    }

    @Test
    void diagnosticsRenderLikeACompilersMessages() {
        assertThat(List.of(
                Diagnostic.error(new Origin.ScriptLine("train.sh", 7), "invalid --time value '1 day'").render(),
                Diagnostic.warning(new Origin.ScriptLine("train.sh", 5), "--mem ...").render(),
                Diagnostic.note(Origin.COMMAND_LINE, "x").render(),
                Diagnostic.error(Origin.COMMAND_LINE, "bad").render()))
                .containsExactly("train.sh:7: invalid --time value '1 day'", "train.sh:5: warning: --mem ...",
                        "rota: note: x", "rota: bad");
    }
}
