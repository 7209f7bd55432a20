/**
 * Evaluation of trained circuits: detector metrics and the plots of the reproduced tutorial.
 *
 * <p>{@link io.circuitstream.eval.Metrics} holds pure functions over score arrays: the exact AUROC (Mann–Whitney,
 * ties counted as one half), the threshold that meets a target false-alarm rate, the fraction of scores above a
 * threshold, and {@link io.circuitstream.eval.Histogram}s that count out-of-range values separately instead of
 * moving them into edge bins. {@link io.circuitstream.eval.Plots} writes PNG charts with XChart, headless: test
 * accuracy against the percentage of missing pixels (one curve per λ), overlaid log-likelihood histograms of
 * in-distribution and out-of-distribution images with an optional alarm threshold, and training curves. Only
 * {@code Plots} touches files.
 */
@NullMarked
package io.circuitstream.eval;

import org.jspecify.annotations.NullMarked;
