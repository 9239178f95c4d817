package dev.rota.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PosixUserTest {

    @Test
    void readsAPasswdLine() {
        assertThat(PosixUser.parse("alice:x:1001:1002:Alice A,,,:/home/alice:/bin/bash\n"))
                .isEqualTo(new PosixUser("alice", 1001, 1002, "/home/alice", "/bin/bash"));
        assertThat(PosixUser.parse("root:x:0:0:root:/root:/bin/bash").isRoot()).isTrue();
        assertThat(PosixUser.parse("svc:*:999:999::/:").shell()).isEmpty();
    }

    static Stream<String> broken() {
        return Stream.of("", "alice", "alice:x:1001:1002:/home/alice:/bin/bash", ":x:1:1::/:/bin/sh",
                "alice:x:one:1002::/home/alice:/bin/bash", "alice:x:1001:1002::/home/alice:/bin/bash:extra");
    }

    @ParameterizedTest
    @MethodSource("broken")
    void refusesAnythingElse(String line) {
        assertThatThrownBy(() -> PosixUser.parse(line)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a passwd entry");
    }

    @Test
    void looksUpRealUsersAndNotMissingOnes() throws Exception {
        assertThat(PosixUser.lookup("root")).hasValueSatisfying(u -> assertThat(u.uid()).isZero());
        assertThat(PosixUser.lookup("rota-no-such-user-4711")).isEmpty();
        assertThat(PosixUser.lookup("-x")).isEmpty();
    }
}
