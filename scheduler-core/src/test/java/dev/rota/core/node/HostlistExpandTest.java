package dev.rota.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostlistExpandTest {

    static Stream<Arguments> hostlists() {
        return Stream.of(
                Arguments.of("one name", "node-1", List.of("node-1")),
                Arguments.of("a range", "node-[1-3]", List.of("node-1", "node-2", "node-3")),
                Arguments.of("a range and a single", "node-[1-3,5]", List.of("node-1", "node-2", "node-3", "node-5")),
                Arguments.of("zero padding kept", "gpu[001-002]", List.of("gpu001", "gpu002")),
                Arguments.of("padding across a digit boundary", "n[08-10]", List.of("n08", "n09", "n10")),
                Arguments.of("no padding across a digit boundary", "n[8-10]", List.of("n8", "n9", "n10")),
                Arguments.of("a comma list", "a,b,c", List.of("a", "b", "c")),
                Arguments.of("lists and ranges mixed", "login,node[01-02],gpu[7]", List.of("login", "node01", "node02", "gpu7")),
                Arguments.of("a suffix after the brackets", "rack[1-2]-ib", List.of("rack1-ib", "rack2-ib")),
                Arguments.of("two bracket groups multiply", "r[1-2]n[1-2]", List.of("r1n1", "r1n2", "r2n1", "r2n2")),
                Arguments.of("a dotted suffix", "node[1-2].cluster", List.of("node1.cluster", "node2.cluster")),
                Arguments.of("whitespace separates too", "a b\tc", List.of("a", "b", "c")),
                Arguments.of("empty items are skipped", "a,,b,", List.of("a", "b")),
                Arguments.of("order and duplicates kept", "b,a,b", List.of("b", "a", "b")),
                Arguments.of("a range of one", "node-[4-4]", List.of("node-4")),
                Arguments.of("nothing", "", List.of()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("hostlists")
    void expandsLikeScontrolShowHostnames(String name, String hostlist, List<String> names) {
        assertThat(Hostlist.expand(hostlist)).isEqualTo(names);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("unclosed bracket", "node[1-", "invalid hostlist 'node[1-': '[' without ']'"),
                Arguments.of("unopened bracket", "node1-2]", "invalid hostlist 'node1-2]': ']' without '['"),
                Arguments.of("stray closing bracket after a group", "a[1]]", "invalid hostlist 'a[1]]': ']' without '['"),
                Arguments.of("nested brackets", "a[[1]]", "invalid hostlist 'a[[1]]': nested '['"),
                Arguments.of("a word in brackets", "node[a-b]", "invalid hostlist 'node[a-b]': 'a-b' is not a number"),
                Arguments.of("an empty range", "node[]", "invalid hostlist 'node[]': '' is not a number"),
                Arguments.of("a range going down", "node[3-1]", "invalid hostlist 'node[3-1]': range '3-1' goes down"),
                Arguments.of("far too many names", "n[1-99999999]", "invalid hostlist 'n[1-99999999]': more than"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("invalid")
    void refusesWhatIsNotAHostlist(String name, String hostlist, String message) {
        assertThatThrownBy(() -> Hostlist.expand(hostlist)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
