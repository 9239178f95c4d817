package dev.rota.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
    @Test
    void a_copy_is_sorted_immutable_and_equal_to_any_map_with_the_same_variables() {
        Map<String, String> source = new java.util.HashMap<>(Map.of("PATH", "/bin", "HOME", "/root"));
        Environment env = Environment.of(source);
        source.put("EXTRA", "x");
        assertThat(env).containsExactly(Map.entry("HOME", "/root"), Map.entry("PATH", "/bin"));
        assertThat(env).isEqualTo(new TreeMap<>(Map.of("PATH", "/bin", "HOME", "/root")));
        assertThatThrownBy(() -> env.put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Environment.of(env)).isSameAs(env);
    }

    @Test
    void an_encoded_environment_is_decoded_once_on_first_use_and_keeps_its_encoding() {
        AtomicInteger decodes = new AtomicInteger();
        Environment env = Environment.decodedLater("PATH=/bin", encoded -> {
            decodes.incrementAndGet();
            String[] kv = ((String) encoded).split("=");
            return new TreeMap<>(Map.of(kv[0], kv[1]));
        });
        assertThat(decodes).hasValue(0);
        assertThat(env.get("PATH")).isEqualTo("/bin");
        assertThat(env).hasSize(1);
        assertThat(decodes).hasValue(1);
        assertThat(env.encoded()).hasValue("PATH=/bin");
    }
}
