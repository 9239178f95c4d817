package dev.rota.cli.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rota.cli.render.Table.Column;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAreAsWideAsTheirWidestCellWithNumbersOnTheRight() {
        String text = new Table(Column.right("ID"), Column.left("NAME"), Column.left("NOTE"))
                .row("7", "a", "")
                .row("1234", "caf\u00e9-long", "x y")
                .render();

        assertThat(text).isEqualTo("""
                  ID  NAME       NOTE
                   7  a
                1234  caf\u00e9-long  x y
                """);
    }

    @Test
    void aRowMustFillEveryColumn() {
        Table table = new Table(Column.left("A"), Column.left("B"));

        assertThatThrownBy(() -> table.row("only one")).isInstanceOf(IllegalArgumentException.class);
    }
}
