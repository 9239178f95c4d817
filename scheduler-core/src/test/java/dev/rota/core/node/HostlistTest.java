package dev.rota.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostlistTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("one node", List.of("node-1"), "node-1"),
                Arguments.of("a range", List.of("node-1", "node-2"), "node-[1-2]"),
                Arguments.of("a range and a single", List.of("node-1", "node-2", "node-4"), "node-[1-2,4]"),
                Arguments.of("natural, not lexical, order", List.of("node-10", "node-9"), "node-[9-10]"),
                Arguments.of("zero padding kept", List.of("gpu001", "gpu002", "gpu003"), "gpu[001-003]"),
                Arguments.of("padded ranges carry on past the width", List.of("n08", "n09", "n10"), "n[08-10]"),
                Arguments.of("padded widths do not mix", List.of("n9", "n010"), "n[9,010]"),
                Arguments.of("two prefixes", List.of("a1", "b1", "a2"), "a[1-2],b1"),
                Arguments.of("names without numbers", List.of("login", "head"), "login,head"),
                Arguments.of("nothing", List.of(), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compresses(String name, List<String> nodes, String expected) {
        assertThat(Hostlist.compress(nodes)).isEqualTo(expected);
    }
}
