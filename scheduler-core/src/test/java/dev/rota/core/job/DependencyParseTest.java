package dev.rota.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DependencyParseTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "afterok:12; afterok:12",
            "afterok:12:13,singleton; afterok:12:13,singleton",
            "afterany:1?afternotok:2_3; afterany:1?afternotok:2_3",
            "AFTER:5; after:5",
            "42; afterany:42"})
    void readsAndWritesBack(String text, String written) {
        assertEquals(written, Dependency.parse(text).toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"afterok", "afterok:x", "afterok:1,afterok:2?afterok:3", "before:3", "singleton:3",
            "after:3+10", "aftercorr:3", "afterok:1,"})
    void refusesWhatSbatchRefuses(String text) {
        assertThrows(IllegalArgumentException.class, () -> Dependency.parse(text));
    }
}
