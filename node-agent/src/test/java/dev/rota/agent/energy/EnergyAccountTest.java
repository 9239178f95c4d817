package dev.rota.agent.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnergyAccountTest {
    private static final long S = 1_000_000_000L;

    @Test
    void trapezoidsOverTheHeldGpusThenTheLastReadingHeldToTheEnd() {
        EnergyAccount a = new EnergyAccount(Set.of(0, 1));
        a.add(new PowerSample(0, Map.of(0, 100.0, 1, 200.0, 2, 999.0)));
        a.add(new PowerSample(10 * S, Map.of(0, 300.0, 1, 200.0, 2, 999.0)));

        // gpu 0: (100+300)/2*10 = 2000; gpu 1: 200*10 = 2000; then 2 s at 300 + 200 = 1000; gpu 2 not held.
        assertThat(a.close(12 * S)).hasValueCloseTo(5000.0, within(1e-9));
        assertThat(a.close(99 * S)).as("closed once").hasValueCloseTo(5000.0, within(1e-9));
    }

    @Test
    void aGpuWithoutAReadingInASampleAddsNothingForThoseIntervals() {
        EnergyAccount a = new EnergyAccount(Set.of(0));
        a.add(new PowerSample(0, Map.of(0, 100.0)));
        a.add(new PowerSample(S, Map.of()));
        a.add(new PowerSample(2 * S, Map.of(0, 100.0)));
        a.add(new PowerSample(3 * S, Map.of(0, 100.0)));

        assertThat(a.close(3 * S)).hasValueCloseTo(100.0, within(1e-9));
    }

    @Test
    void noReadingAtAllIsNoMeasurementRatherThanZero() {
        EnergyAccount a = new EnergyAccount(Set.of(0));
        a.add(new PowerSample(0, Map.of(1, 50.0)));
        a.add(new PowerSample(S, Map.of()));

        assertThat(a.close(2 * S)).isEmpty();
        assertThat(new EnergyAccount(Set.of(0)).close(S)).isEmpty();
    }

    @Test
    void samplesOutOfOrderAreIgnored() {
        EnergyAccount a = new EnergyAccount(Set.of(0));
        a.add(new PowerSample(5 * S, Map.of(0, 10.0)));
        a.add(new PowerSample(4 * S, Map.of(0, 1000.0)));
        a.add(new PowerSample(6 * S, Map.of(0, 10.0)));

        assertThat(a.close(6 * S)).hasValueCloseTo(10.0, within(1e-9));
    }
}
