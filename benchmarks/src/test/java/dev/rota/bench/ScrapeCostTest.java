package dev.rota.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rota.daemon.metrics.DaemonMetrics;
import org.junit.jupiter.api.Test;

/** The scrape benchmark's cluster, small, scraped once: what the benchmark times is a real scrape of it. */
class ScrapeCostTest {
    @Test
    void the_benchmark_cluster_is_full_with_its_queue_behind_it() {
        DaemonMetrics metrics = new DaemonMetrics("main");
        metrics.readFrom(() -> ScrapeCost.cluster(20, 300));
        String s = metrics.scrape();
        assertThat(s).contains("rota_gpus{model=\"NVIDIA H100 80GB HBM3\",partition=\"main\",state=\"allocated\"} 160.0")
                .contains("rota_gpus{model=\"NVIDIA H100 80GB HBM3\",partition=\"main\",state=\"idle\"} 0.0")
                .contains("rota_jobs{partition=\"main\",state=\"pending\"} 300.0")
                .contains("rota_jobs{partition=\"main\",state=\"running\"} 20.0")
                .contains("rota_nodes{partition=\"main\",state=\"allocated\"} 20.0")
                .contains("rota_pending_jobs{reason=\"Priority\"} 299.0");
    }
}
