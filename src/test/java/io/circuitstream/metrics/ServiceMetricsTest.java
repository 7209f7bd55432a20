package io.circuitstream.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.circuitstream.serve.SwapResult.Outcome;
import io.circuitstream.testing.PrometheusText;
import io.circuitstream.testing.PrometheusText.Exposition;
import io.circuitstream.testing.PrometheusText.Sample;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

  private final ServiceMetrics metrics = new ServiceMetrics();

  @Test
  void scrapeIsValidPrometheusTextWithHelpAndTypeForEveryServiceMetric() {
    // Labelled metrics appear once they have a series.
    metrics.invalid("decode");
    metrics.activeModel("v1");
    metrics.consumerLag("images-0", 0);

    Exposition e = PrometheusText.parse(metrics.scrape());

    assertThat(e.types())
        .containsEntry("circuitstream_images_consumed_total", "counter")
        .containsEntry("circuitstream_images_classified_total", "counter")
        .containsEntry("circuitstream_images_ood_total", "counter")
        .containsEntry("circuitstream_images_invalid_total", "counter")
        .containsEntry("circuitstream_batch_size", "histogram")
        .containsEntry("circuitstream_batch_scoring_seconds", "histogram")
        .containsEntry("circuitstream_end_to_end_latency_seconds", "histogram")
        .containsEntry("circuitstream_log_likelihood_nats", "histogram")
        .containsEntry("circuitstream_missing_pixel_fraction", "histogram")
        .containsEntry("circuitstream_model_info", "gauge")
        .containsEntry("circuitstream_model_swaps_total", "counter")
        .containsEntry("circuitstream_consumer_lag_records", "gauge");
    assertThat(e.help()).allSatisfy((name, help) -> assertThat(help).as(name).isNotBlank());
    assertThat(e.help().keySet()).containsAll(e.types().keySet().stream()
        .filter(n -> n.startsWith("circuitstream_")).toList());
  }

  @Test
  void countersAddWhatTheyAreGiven() {
    metrics.consumed(3);
    metrics.consumed(4);
    metrics.classified(6);
    metrics.ood(2);
    metrics.ood(0);
    metrics.invalid("decode");
    metrics.invalid("decode");
    metrics.invalid("range");

    Exposition e = PrometheusText.parse(metrics.scrape());

    assertThat(e.value("circuitstream_images_consumed_total")).isEqualTo(7);
    assertThat(e.value("circuitstream_images_classified_total")).isEqualTo(6);
    assertThat(e.value("circuitstream_images_ood_total")).isEqualTo(2);
    assertThat(e.value("circuitstream_images_invalid_total", "reason", "decode")).isEqualTo(2);
    assertThat(e.value("circuitstream_images_invalid_total", "reason", "range")).isEqualTo(1);
  }

  @Test
  void negativeCountsAreRejected() {
    assertThatThrownBy(() -> metrics.consumed(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("n must not be negative, got -1");
  }

  @Test
  void histogramsHaveTheDocumentedBucketsAndCountObservations() {
    metrics.batch(3, 0.004);
    metrics.batch(256, 0.2);
    metrics.endToEnd(0.0001);
    metrics.endToEnd(42);
    metrics.logLikelihood(-612.5);
    metrics.missingFraction(0.25);

    Exposition e = PrometheusText.parse(metrics.scrape());

    assertThat(bounds(e, "circuitstream_batch_size")).containsExactly(
        "1.0", "2.0", "4.0", "8.0", "16.0", "32.0", "64.0", "128.0", "256.0", "512.0", "+Inf");
    assertThat(e.value("circuitstream_batch_size_bucket", "le", "2.0")).isEqualTo(0);
    assertThat(e.value("circuitstream_batch_size_bucket", "le", "4.0")).isEqualTo(1);
    assertThat(e.value("circuitstream_batch_size_bucket", "le", "256.0")).isEqualTo(2);
    assertThat(e.value("circuitstream_batch_size_count")).isEqualTo(2);
    assertThat(e.value("circuitstream_batch_size_sum")).isEqualTo(259);

    List<String> latency = bounds(e, "circuitstream_batch_scoring_seconds");
    assertThat(latency.get(0)).isEqualTo("5.0E-4");
    assertThat(latency.get(latency.size() - 2)).isEqualTo("10.0");
    assertThat(bounds(e, "circuitstream_end_to_end_latency_seconds")).isEqualTo(latency);
    assertThat(e.value("circuitstream_batch_scoring_seconds_bucket", "le", "0.005")).isEqualTo(1);
    assertThat(e.value("circuitstream_end_to_end_latency_seconds_bucket", "le", "5.0E-4")).isEqualTo(1);
    assertThat(e.value("circuitstream_end_to_end_latency_seconds_bucket", "le", "10.0")).isEqualTo(1);
    assertThat(e.value("circuitstream_end_to_end_latency_seconds_bucket", "le", "+Inf")).isEqualTo(2);

    List<String> ll = bounds(e, "circuitstream_log_likelihood_nats");
    assertThat(ll.get(0)).isEqualTo("-6000.0");
    assertThat(ll.get(ll.size() - 2)).isEqualTo("0.0");
    assertThat(e.value("circuitstream_log_likelihood_nats_bucket", "le", "-700.0")).isEqualTo(0);
    assertThat(e.value("circuitstream_log_likelihood_nats_bucket", "le", "-600.0")).isEqualTo(1);

    assertThat(bounds(e, "circuitstream_missing_pixel_fraction")).containsExactly(
        "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0", "+Inf");
    assertThat(e.value("circuitstream_missing_pixel_fraction_bucket", "le", "0.2")).isEqualTo(0);
    assertThat(e.value("circuitstream_missing_pixel_fraction_bucket", "le", "0.3")).isEqualTo(1);
  }

  @Test
  void modelInfoHasExactlyOneSeriesForTheActiveVersion() {
    assertThat(PrometheusText.parse(metrics.scrape()).named("circuitstream_model_info")).isEmpty();

    metrics.activeModel("v1");
    metrics.activeModel("v2");

    List<Sample> info = PrometheusText.parse(metrics.scrape()).named("circuitstream_model_info");
    assertThat(info).singleElement().satisfies(s -> {
      assertThat(s.labels()).containsExactlyEntriesOf(Map.of("version", "v2"));
      assertThat(s.value()).isEqualTo(1);
    });
  }

  @Test
  void swapsAreCountedByLowerCaseOutcomeStartingAtZero() {
    metrics.swap(Outcome.SWAPPED);
    metrics.swap(Outcome.SWAPPED);
    metrics.swap(Outcome.LOAD_FAILED);

    Exposition e = PrometheusText.parse(metrics.scrape());

    assertThat(e.value("circuitstream_model_swaps_total", "outcome", "swapped")).isEqualTo(2);
    assertThat(e.value("circuitstream_model_swaps_total", "outcome", "load_failed")).isEqualTo(1);
    assertThat(e.value("circuitstream_model_swaps_total", "outcome", "already_active")).isEqualTo(0);
    assertThat(e.value("circuitstream_model_swaps_total", "outcome", "unknown_version")).isEqualTo(0);
  }

  @Test
  void consumerLagIsSetPerPartitionAndForgottenOnRevocation() {
    metrics.consumerLag("images-0", 120);
    metrics.consumerLag("images-1", 7);
    metrics.consumerLag("images-0", 3);

    Exposition e = PrometheusText.parse(metrics.scrape());
    assertThat(e.value("circuitstream_consumer_lag_records", "partition", "images-0")).isEqualTo(3);
    assertThat(e.value("circuitstream_consumer_lag_records", "partition", "images-1")).isEqualTo(7);

    metrics.forgetPartition("images-1");
    assertThat(PrometheusText.parse(metrics.scrape()).named("circuitstream_consumer_lag_records"))
        .singleElement().satisfies(s -> assertThat(s.labels()).containsEntry("partition", "images-0"));
  }

  @Test
  void jvmMetricsAreIncludedInThisInstancesOwnRegistry() {
    Exposition e = PrometheusText.parse(metrics.scrape());

    assertThat(e.types()).containsKeys("jvm_memory_used_bytes", "jvm_threads_current");
    assertThat(metrics.registry()).isNotSameAs(PrometheusRegistry.defaultRegistry);
    assertThat(PrometheusRegistry.defaultRegistry.scrape().stream()
        .noneMatch(s -> s.getMetadata().getName().startsWith("circuitstream"))).isTrue();
  }

  @Test
  void twoInstancesCountIndependently() {
    ServiceMetrics other = new ServiceMetrics();
    other.consumed(9);
    metrics.consumed(1);

    assertThat(PrometheusText.parse(metrics.scrape()).value("circuitstream_images_consumed_total")).isEqualTo(1);
    assertThat(PrometheusText.parse(other.scrape()).value("circuitstream_images_consumed_total")).isEqualTo(9);
  }

  @Test
  void concurrentUpdatesAreAllCounted() throws Exception {
    int threads = 4;
    int perThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            metrics.consumed(1);
            metrics.batch(1, 0.001);
            metrics.invalid(i % 2 == 0 ? "decode" : "size");
            metrics.activeModel("v" + id);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    Exposition e = PrometheusText.parse(metrics.scrape());
    assertThat(e.value("circuitstream_images_consumed_total")).isEqualTo(threads * perThread);
    assertThat(e.value("circuitstream_batch_size_count")).isEqualTo(threads * perThread);
    assertThat(e.value("circuitstream_images_invalid_total", "reason", "decode")).isEqualTo(threads * perThread / 2);
    assertThat(e.named("circuitstream_model_info")).hasSize(1);
  }

  private static List<String> bounds(Exposition e, String histogram) {
    return e.named(histogram + "_bucket").stream().map(s -> s.labels().get("le")).toList();
  }
}
