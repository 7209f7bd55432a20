package io.circuitstream.stream.message;

/**
 * The classification of one image, published to the predictions topic.
 *
 * @param id the image id
 * @param label the most probable class
 * @param probabilities p(y | x_obs) per class
 * @param logLikelihood log p(x_obs) under the model's class prior, in nats
 * @param oodScore negative log-likelihood per observed pixel
 * @param ood whether the score passes the model's threshold
 * @param missingPixels pixels marginalised
 * @param modelVersion version of the model that scored the batch
 * @param batchSize images in the micro-batch
 * @param recordTimestampMs timestamp of the input record
 * @param queueMillis time from the record timestamp to the start of scoring
 * @param scoringMillis time to score the batch
 */
public record Prediction(String id, int label, double[] probabilities, double logLikelihood, double oodScore,
    boolean ood, int missingPixels, String modelVersion, int batchSize, long recordTimestampMs, double queueMillis,
    double scoringMillis) {}
