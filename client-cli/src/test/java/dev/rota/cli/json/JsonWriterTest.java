package dev.rota.cli.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonWriterTest {

    static Stream<Arguments> strings() {
        return Stream.of(
                Arguments.of("plain", "train-llm", "\"train-llm\""),
                Arguments.of("empty", "", "\"\""),
                Arguments.of("quote", "say \"hi\"", "\"say \\\"hi\\\"\""),
                Arguments.of("backslash", "C:\\jobs", "\"C:\\\\jobs\""),
                Arguments.of("slash left alone", "a/b", "\"a/b\""),
                Arguments.of("newline, tab, return", "a\nb\tc\r", "\"a\\nb\\tc\\r\""),
                Arguments.of("backspace and form feed", "\b\f", "\"\\b\\f\""),
                Arguments.of("other control characters", "\u0000\u0001\u001f", "\"\\u0000\\u0001\\u001f\""),
                Arguments.of("delete", "\u007f", "\"\\u007f\""),
                Arguments.of("accented letter", "r\u00e9sum\u00e9", "\"r\\u00e9sum\\u00e9\""),
                Arguments.of("CJK", "\u4efb\u52a1", "\"\\u4efb\\u52a1\""),
                Arguments.of("line separator", "\u2028", "\"\\u2028\""),
                Arguments.of("emoji as surrogate pair", "\uD83D\uDE80", "\"\\ud83d\\ude80\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strings")
    void escapesStrings(String name, String text, String expected) {
        assertThat(JsonWriter.quote(text)).isEqualTo(expected);
    }

    @Test
    void writesNestedDocumentsPrettyPrinted() {
        String json = new JsonWriter().beginObject()
                .name("id").value(42L)
                .name("name").value("a\"b")
                .name("exit_code").value((Long) null)
                .name("start_time").value((String) null)
                .name("ok").value(true)
                .name("empty").beginArray().endArray()
                .name("allocation").beginArray()
                    .beginObject().name("node").value("n1").name("gpus").beginArray().value(0).value(1).endArray()
                    .endObject()
                .endArray()
                .endObject().toJson();

        assertThat(json).isEqualTo("""
                {
                  "id": 42,
                  "name": "a\\"b",
                  "exit_code": null,
                  "start_time": null,
                  "ok": true,
                  "empty": [],
                  "allocation": [
                    {
                      "node": "n1",
                      "gpus": [
                        0,
                        1
                      ]
                    }
                  ]
                }
                """);
    }

    @Test
    void anEmptyObjectStaysOnOneLine() {
        assertThat(new JsonWriter().beginObject().endObject().toJson()).isEqualTo("{}\n");
    }

    @Test
    void refusesAValueWithoutANameInsideAnObject() {
        JsonWriter json = new JsonWriter().beginObject();
        assertThatThrownBy(() -> json.value(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesANameInsideAnArray() {
        JsonWriter json = new JsonWriter().beginArray();
        assertThatThrownBy(() -> json.name("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesMismatchedEnds() {
        JsonWriter json = new JsonWriter().beginObject();
        assertThatThrownBy(json::endArray).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesAnUnfinishedDocument() {
        JsonWriter json = new JsonWriter().beginObject().name("a");
        assertThatThrownBy(json::toJson).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().toJson()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesASecondTopLevelValue() {
        JsonWriter json = new JsonWriter().value(1);
        assertThatThrownBy(() -> json.value(2)).isInstanceOf(IllegalStateException.class);
    }
}
