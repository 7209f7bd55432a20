package io.circuitstream.serve;

import io.circuitstream.stream.message.ImageMessage;

/**
 * One image of a scored batch.
 *
 * @param image the input
 * @param label the most probable class
 * @param probabilities p(y | x_obs)
 * @param logLikelihood log p(x_obs), nats
 * @param oodScore negative log-likelihood per observed pixel
 * @param ood whether the score passes the model's threshold
 */
public record ScoredImage(ImageMessage image, int label, double[] probabilities, double logLikelihood,
    double oodScore, boolean ood) {}
