/**
 * The service's Prometheus metrics: {@link io.circuitstream.metrics.ServiceMetrics} owns a private
 * registry with the counters, histograms and gauges the pipeline updates, plus the JVM metrics, and
 * renders them in the Prometheus text format for the admin server's {@code /metrics} route.
 *
 * <p>Metric names follow Prometheus conventions: a {@code circuitstream_} prefix, the unit as a
 * suffix ({@code _seconds}, {@code _nats}, {@code _records}) and {@code _total} on counters. Updates
 * are cheap and thread-safe, so the stream path calls them directly.
 */
@NullMarked
package io.circuitstream.metrics;

import org.jspecify.annotations.NullMarked;
