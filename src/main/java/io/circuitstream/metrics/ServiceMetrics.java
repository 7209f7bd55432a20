package io.circuitstream.metrics;

import io.circuitstream.serve.SwapResult;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * The Prometheus metrics of one service instance, in a registry of its own.
 *
 * <p>The pipeline calls the recording methods ({@link #consumed}, {@link #batch}, ...) on its hot
 * path: each is a few atomic updates, thread-safe and allocation-free for label values seen before.
 * The admin server renders {@link #scrape()} on {@code /metrics}. Later features register their own
 * metrics in {@link #registry()}, as {@link FineTuneMetrics} does.
 *
 * <p><b>Metrics</b>
 * <ul>
 *   <li>{@code circuitstream_images_consumed_total}, {@code _classified_total}, {@code _ood_total},
 *       {@code _invalid_total{reason}}: image counts;</li>
 *   <li>{@code circuitstream_batch_size}: images per micro-batch, buckets 1, 2, 4, ..., 512;</li>
 *   <li>{@code circuitstream_batch_scoring_seconds}, {@code circuitstream_end_to_end_latency_seconds}:
 *       buckets from 0.5 ms to 10 s;</li>
 *   <li>{@code circuitstream_log_likelihood_nats}: log p(x_obs) per image, buckets −6000 ... 0;</li>
 *   <li>{@code circuitstream_missing_pixel_fraction}: buckets 0, 0.1, ..., 1;</li>
 *   <li>{@code circuitstream_model_info{version}}: one series, the active version;</li>
 *   <li>{@code circuitstream_model_swaps_total{outcome}}: outcome is a lower-case
 *       {@link SwapResult.Outcome}, every outcome exported from zero;</li>
 *   <li>{@code circuitstream_consumer_lag_records{partition}}: records behind the log end;</li>
 *   <li>the standard JVM metrics ({@code jvm_*}, {@code process_*}).</li>
 * </ul>
 */
public final class ServiceMetrics {

  /** The content type of {@link #scrape()}: the Prometheus text format, version 0.0.4. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** Buckets of {@code circuitstream_batch_size}: powers of two from 1 to 512. */
  static final double[] BATCH_SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

  /** Buckets of the latency histograms, in seconds: 0.5 ms to 10 s. */
  static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** Buckets of {@code circuitstream_log_likelihood_nats}: −6000 to 0, finer where MNIST lies. */
  static final double[] LOG_LIKELIHOOD_BUCKETS = {
    -6000, -5000, -4000, -3500, -3000, -2500, -2000, -1500, -1250, -1000,
    -900, -800, -700, -600, -500, -400, -300, -200, -100, 0
  };

  /** Buckets of {@code circuitstream_missing_pixel_fraction}: 0, 0.1, ..., 1. */
  static final double[] MISSING_FRACTION_BUCKETS = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  private final Counter imagesConsumed;
  private final Counter imagesClassified;
  private final Counter imagesOod;
  private final Counter imagesInvalid;
  private final Histogram batchSize;
  private final Histogram batchScoring;
  private final Histogram endToEnd;
  private final Histogram logLikelihood;
  private final Histogram missingFraction;
  private final Info modelInfo;
  private final Counter modelSwaps;
  private final Gauge consumerLag;

  /** Creates the metrics in a new registry, with the JVM metrics. */
  public ServiceMetrics() {
    imagesConsumed = Counter.builder()
        .name("circuitstream_images_consumed_total")
        .help("Image records received from the images topic.")
        .register(registry);
    imagesClassified = Counter.builder()
        .name("circuitstream_images_classified_total")
        .help("Images classified and published to the predictions topic.")
        .register(registry);
    imagesOod = Counter.builder()
        .name("circuitstream_images_ood_total")
        .help("Images flagged out of distribution and published to the ood-alerts topic.")
        .register(registry);
    imagesInvalid = Counter.builder()
        .name("circuitstream_images_invalid_total")
        .help("Image records that failed to decode or validate, sent to the dead-letter topic, by reason.")
        .labelNames("reason")
        .register(registry);
    batchSize = Histogram.builder()
        .name("circuitstream_batch_size")
        .help("Images per scored micro-batch.")
        .classicOnly()
        .classicUpperBounds(BATCH_SIZE_BUCKETS)
        .register(registry);
    batchScoring = Histogram.builder()
        .name("circuitstream_batch_scoring_seconds")
        .unit(Unit.SECONDS)
        .help("Time to score one micro-batch with the circuit.")
        .classicOnly()
        .classicUpperBounds(LATENCY_BUCKETS)
        .register(registry);
    endToEnd = Histogram.builder()
        .name("circuitstream_end_to_end_latency_seconds")
        .unit(Unit.SECONDS)
        .help("Time from an image record's timestamp to the acknowledgement of its prediction.")
        .classicOnly()
        .classicUpperBounds(LATENCY_BUCKETS)
        .register(registry);
    logLikelihood = Histogram.builder()
        .name("circuitstream_log_likelihood_nats")
        .unit(new Unit("nats"))
        .help("Log-likelihood log p(x_obs) of each classified image under the active model.")
        .classicOnly()
        .classicUpperBounds(LOG_LIKELIHOOD_BUCKETS)
        .register(registry);
    missingFraction = Histogram.builder()
        .name("circuitstream_missing_pixel_fraction")
        .help("Fraction of each image's pixels flagged missing and marginalised.")
        .classicOnly()
        .classicUpperBounds(MISSING_FRACTION_BUCKETS)
        .register(registry);
    modelInfo = Info.builder()
        .name("circuitstream_model_info")
        .help("The model version being served; exactly one series while a model is active.")
        .labelNames("version")
        .register(registry);
    modelSwaps = Counter.builder()
        .name("circuitstream_model_swaps_total")
        .help("Requests to serve a model version, by outcome.")
        .labelNames("outcome")
        .register(registry);
    for (SwapResult.Outcome outcome : SwapResult.Outcome.values()) {
      modelSwaps.initLabelValues(label(outcome));
    }
    consumerLag = Gauge.builder()
        .name("circuitstream_consumer_lag_records")
        .unit(new Unit("records"))
        .help("Records between the committed offset and the log end, by images-topic partition.")
        .labelNames("partition")
        .register(registry);
    JvmMetrics.builder().register(registry);
  }

  /**
   * Counts image records received.
   *
   * @param n records, not negative
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public void consumed(int n) {
    imagesConsumed.inc(checkCount(n, "n"));
  }

  /**
   * Counts images classified.
   *
   * @param n images, not negative
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public void classified(int n) {
    imagesClassified.inc(checkCount(n, "n"));
  }

  /**
   * Counts images flagged out of distribution.
   *
   * @param n images, not negative
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public void ood(int n) {
    imagesOod.inc(checkCount(n, "n"));
  }

  /**
   * Counts one invalid image record.
   *
   * <p>Keep reasons to a small fixed set (such as {@code decode}, {@code size}, {@code range}): each
   * distinct reason is a time series.
   *
   * @param reason a short, low-cardinality reason
   */
  public void invalid(String reason) {
    imagesInvalid.labelValues(Objects.requireNonNull(reason, "reason")).inc();
  }

  /**
   * Records one scored micro-batch.
   *
   * @param size images in the batch
   * @param scoringSeconds time to score it
   */
  public void batch(int size, double scoringSeconds) {
    batchSize.observe(size);
    batchScoring.observe(scoringSeconds);
  }

  /**
   * Records the latency of one image from its record timestamp to its acknowledged prediction.
   *
   * @param seconds the latency
   */
  public void endToEnd(double seconds) {
    endToEnd.observe(seconds);
  }

  /**
   * Records the log-likelihood of one image.
   *
   * @param nats log p(x_obs), in nats (usually −600 to −4000 for 28×28 images)
   */
  public void logLikelihood(double nats) {
    logLikelihood.observe(nats);
  }

  /**
   * Records the fraction of one image's pixels that were missing.
   *
   * @param f missing pixels over all pixels, 0 to 1
   */
  public void missingFraction(double f) {
    missingFraction.observe(f);
  }

  /**
   * Sets the model version being served; the info metric then has exactly this one series.
   *
   * @param version the active version
   */
  public void activeModel(String version) {
    Objects.requireNonNull(version, "version");
    // Info.setLabelValues adds then retains; two concurrent calls could otherwise leave none.
    synchronized (modelInfo) {
      modelInfo.setLabelValues(version);
    }
  }

  /**
   * Counts one request to serve a model version.
   *
   * @param outcome what the request led to
   */
  public void swap(SwapResult.Outcome outcome) {
    modelSwaps.labelValues(label(Objects.requireNonNull(outcome, "outcome"))).inc();
  }

  /**
   * Sets the consumer lag of one partition.
   *
   * @param partition the partition, such as {@code images-3}
   * @param lag records behind the log end
   */
  public void consumerLag(String partition, long lag) {
    consumerLag.labelValues(Objects.requireNonNull(partition, "partition")).set(lag);
  }

  /**
   * Removes the consumer-lag series of a partition this instance no longer owns (after a rebalance).
   *
   * @param partition the partition given to {@link #consumerLag}
   */
  public void forgetPartition(String partition) {
    consumerLag.remove(Objects.requireNonNull(partition, "partition"));
  }

  /**
   * Returns every metric in the Prometheus text format, version 0.0.4 ({@link #CONTENT_TYPE}).
   *
   * @return the exposition text, UTF-8
   */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException("writing metrics to memory failed", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Returns the registry, for metrics other packages add (such as fine-tuning).
   *
   * @return this instance's registry, never the default one
   */
  public PrometheusRegistry registry() {
    return registry;
  }

  private static String label(SwapResult.Outcome outcome) {
    return outcome.name().toLowerCase(Locale.ROOT);
  }

  private static long checkCount(int n, String name) {
    if (n < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + n);
    }
    return n;
  }
}
