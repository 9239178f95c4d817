package dev.rota.agent.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScontrolTest {
    private static final Map<String, String> IN_A_JOB = Map.of("SLURM_JOB_NODELIST", "node-[1-2]");

    record Run(int exit, String out, String err) {}

    static Run scontrol(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Scontrol(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> answered() {
        return Stream.of(
                Arguments.of("the job's nodes by default", List.of("show", "hostnames"), "node-1\nnode-2\n"),
                Arguments.of("a hostlist given", List.of("show", "hostnames", "gpu[001-003]"), "gpu001\ngpu002\ngpu003\n"),
                Arguments.of("keywords in any case, shortened", List.of("SHO", "hostn", "a,b"), "a\nb\n"),
                Arguments.of("hostname, singular", List.of("show", "hostname", "x"), "x\n"),
                Arguments.of("several lists", List.of("show", "hostnames", "a", "b[1-2]"), "a\nb1\nb2\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answered")
    void printsOneNamePerLine(String name, List<String> args, String out) {
        Run run = scontrol(IN_A_JOB, args.toArray(String[]::new));

        assertThat(run).isEqualTo(new Run(0, out, ""));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("another show", List.of("show", "job", "12"),
                        "scontrol: error: 'show job 12' is not supported by Rota\n" + Scontrol.USAGE + "\n"),
                Arguments.of("another command", List.of("update", "JobId=1", "TimeLimit=5"),
                        "scontrol: error: 'update JobId=1 TimeLimit=5' is not supported by Rota\n" + Scontrol.USAGE + "\n"),
                Arguments.of("too short a keyword", List.of("sh", "hostnames"),
                        "scontrol: error: 'sh hostnames' is not supported by Rota\n" + Scontrol.USAGE + "\n"),
                Arguments.of("nothing (interactive mode)", List.of(),
                        "scontrol: error: '' is not supported by Rota\n" + Scontrol.USAGE + "\n"),
                Arguments.of("a bad hostlist", List.of("show", "hostnames", "node[1-"),
                        "scontrol: error: invalid hostlist 'node[1-': '[' without ']'\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void exitsOneWithAMessage(String name, List<String> args, String err) {
        Run run = scontrol(IN_A_JOB, args.toArray(String[]::new));

        assertThat(run).isEqualTo(new Run(1, "", err));
    }

    @Test
    void outsideAJobThereIsNoDefaultHostlist() {
        Run run = scontrol(Map.of(), "show", "hostnames");

        assertThat(run).isEqualTo(new Run(1, "", "scontrol: error: no hostlist given, and SLURM_JOB_NODELIST is not set "
                + "(run it inside a job)\n"));
    }
}
