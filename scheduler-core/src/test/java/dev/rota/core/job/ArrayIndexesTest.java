package dev.rota.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArrayIndexesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "0-4; 0-4; 5",
            "1,3,5; 1,3,5; 3",
            "500-17000:1000; 500-16500:1000; 17",
            "0-0; 0; 1",
            "7,1-3; 1-3,7; 4",
            "0-10:5,3; 0,3,5,10; 4"})
    void parsesAndWritesBack(String text, String written, int count) {
        ArrayIndexes a = ArrayIndexes.parse(text);
        assertEquals(written, a.toString());
        assertEquals(count, a.count());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = ';', value = {"5-1", "a-b", "1-3:0", "''", "1,,2", "2000000"})
    void refusesBadExpressions(String text) {
        assertThrows(IllegalArgumentException.class, () -> ArrayIndexes.parse(text));
    }

    @org.junit.jupiter.api.Test
    void removingIndexesSplitsRanges() {
        ArrayIndexes a = ArrayIndexes.parse("1-9");
        assertEquals("1-4,6-9", a.without(5).toString());
        assertEquals(List.of(2, 3), ArrayIndexes.parse("1-3").withoutMin().toList());
        assertEquals(1, a.min().getAsInt());
        assertEquals(9, a.max().getAsInt());
    }
}
