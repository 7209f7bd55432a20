package io.circuitstream.stream.message;

/**
 * An alert for an image the model finds implausible, published to the ood-alerts topic.
 *
 * @param id the image id
 * @param oodScore negative log-likelihood per observed pixel
 * @param threshold the model's calibrated threshold
 * @param logLikelihood log p(x_obs) in nats
 * @param predictedLabel the most probable class all the same
 * @param missingPixels pixels marginalised
 * @param modelVersion version of the model that scored it
 */
public record OodAlert(String id, double oodScore, double threshold, double logLikelihood, int predictedLabel,
    int missingPixels, String modelVersion) {}
