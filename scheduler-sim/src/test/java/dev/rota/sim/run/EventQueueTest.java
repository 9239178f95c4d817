package dev.rota.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The event queue: earliest time first, push order within a time, batches never mix times. */
class EventQueueTest {
    private static final Instant T = Instant.parse("2017-10-01T00:00:00Z");

    @Test
    void equal_times_come_out_in_push_order_and_earlier_times_first() {
        EventQueue<String> q = new EventQueue<>();
        q.push(T.plusSeconds(5), "c1");
        q.push(T, "a1");
        q.push(T.plusSeconds(5), "c2");
        q.push(T, "a2");
        q.push(T.plusSeconds(1), "b1");

        assertThat(q.nextTime()).isEqualTo(T);
        assertThat(q.popBatch(100)).containsExactly("a1", "a2");
        assertThat(q.popBatch(100)).containsExactly("b1");
        assertThat(q.nextTime()).isEqualTo(T.plusSeconds(5));
        assertThat(q.popBatch(100)).containsExactly("c1", "c2");
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.nextTime()).isNull();
        assertThat(q.popBatch(100)).isEmpty();
    }

    @Test
    void a_batch_stops_at_its_limit_and_the_rest_stay_first_in_line() {
        EventQueue<Integer> q = new EventQueue<>();
        for (int i = 0; i < 5; i++) {
            q.push(T, i);
        }
        q.push(T.minusSeconds(1), -1);
        assertThat(q.popBatch(3)).containsExactly(-1);
        assertThat(q.popBatch(3)).containsExactly(0, 1, 2);
        q.push(T, 5);
        assertThat(q.popBatch(3)).containsExactly(3, 4, 5);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void any_push_order_pops_sorted_by_time_then_sequence(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        EventQueue<long[]> q = new EventQueue<>();
        List<long[]> pushed = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            long[] item = {r.nextInt(50), i};
            pushed.add(item);
            q.push(T.plusSeconds(item[0]), item);
        }
        List<long[]> popped = new ArrayList<>();
        while (!q.isEmpty()) {
            List<long[]> batch = q.popBatch(7);
            assertThat(batch).allMatch(x -> x[0] == batch.get(0)[0]);
            popped.addAll(batch);
        }
        pushed.sort(Comparator.<long[]>comparingLong(x -> x[0]).thenComparingLong(x -> x[1]));
        assertThat(popped).containsExactlyElementsOf(pushed);
    }
}
