package dev.rota.agent.health;

import static dev.rota.agent.health.NvidiaSmiHealthTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class XidEventTest {

    @Test
    void findsTheXidsOfADmesgLog() throws IOException {
        List<XidEvent> xids = XidEvent.parse(fixture("kernel-log/dmesg-xid79.txt"));

        assertThat(xids).extracting(XidEvent::xid).containsExactly(13, 79, 79);
        assertThat(xids).extracting(XidEvent::pciAddress).containsOnly("0000:5d:00");
        assertThat(xids.get(1).text()).isEqualTo("pid=48213, name=python, GPU has fallen off the bus.");
        assertThat(xids.get(1).describe()).isEqualTo("XID 79 (GPU has fallen off the bus)");
    }

    @Test
    void findsTheXidsOfAJournalctlLogAndSkipsLookAlikes() throws IOException {
        List<XidEvent> xids = XidEvent.parse(fixture("kernel-log/journalctl-xids.txt"));

        assertThat(xids).extracting(XidEvent::pciAddress, XidEvent::xid).containsExactly(
                org.assertj.core.groups.Tuple.tuple("0000:47:00", 94),
                org.assertj.core.groups.Tuple.tuple("0000:47:00", 63),
                org.assertj.core.groups.Tuple.tuple("0000:0f:00", 92),
                org.assertj.core.groups.Tuple.tuple("0000:99:00", 48));
    }

    @Test
    void aLogWithoutXidsHasNone() {
        assertThat(XidEvent.parse("")).isEmpty();
        assertThat(XidEvent.parse("[    0.000000] Linux version 6.8.0\nNVRM: Xid")).isEmpty();
    }

    @ParameterizedTest(name = "XID {0} reads \"{1}\"")
    @CsvSource(delimiter = '|', value = {
            "79  | XID 79 (GPU has fallen off the bus)",
            "48  | XID 48 (double bit ECC error)",
            "13  | XID 13 (Graphics Engine Exception)",
            "95  | XID 95 (uncontained ECC error)",
            "150 | XID 150"})
    void describesXidsForDrainReasons(int xid, String text) {
        assertThat(new XidEvent("0000:18:00", xid, "").describe()).isEqualTo(text);
    }
}
