package dev.rota.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The queue order: highest priority first, ties in queue (id) order, on both sorting paths. */
class QueueOrderTest {

    @ParameterizedTest(name = "spread {0}")
    @ValueSource(longs = {10, 20_000, 1L << 39, Long.MAX_VALUE / 2})
    void highest_priority_first_and_ties_keep_queue_order(long spread) {
        Random random = new Random(spread);
        long[] rank = new long[5000];
        for (int k = 0; k < rank.length; k++) {
            rank[k] = (long) (random.nextDouble() * spread) - (k % 7 == 0 ? spread / 3 : 0);
            if (k % 5 == 0 && k > 0) {
                rank[k] = rank[k - 1]; // plenty of ties
            }
        }
        int[] expected = IntStream.range(0, rank.length).boxed()
                .sorted(Comparator.<Integer>comparingLong(k -> rank[k]).reversed().thenComparingInt(k -> k))
                .mapToInt(Integer::intValue).toArray();

        assertThat(SchedulerEngine.byPriority(rank)).isEqualTo(expected);
        assertThat(SchedulerEngine.byPriority(new long[0])).isEmpty();
        assertThat(Arrays.stream(SchedulerEngine.byPriority(rank)).distinct().count()).isEqualTo(rank.length);
    }
}
