package io.circuitstream.model;

/**
 * OOD calibration: score = negative log-likelihood per observed pixel, alarm when score > threshold.
 *
 * <p>The score of an image is {@code −log p(x_obs) / |x_obs|}, the marginal taken with the model's
 * class prior; the threshold is chosen on in-distribution calibration images so that a fraction
 * {@code falseAlarmRate} of them raise the alarm.
 *
 * @param threshold the score above which an image is flagged, finite
 * @param falseAlarmRate the fraction of calibration images flagged, in [0, 1]
 * @param calibrationImages how many in-distribution images the threshold was chosen on, positive
 */
public record OodCalibration(double threshold, double falseAlarmRate, int calibrationImages) {

  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if a field is out of range; the message names it
   */
  public OodCalibration {
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be finite, got " + threshold);
    }
    if (!(falseAlarmRate >= 0 && falseAlarmRate <= 1)) {
      throw new IllegalArgumentException("falseAlarmRate must be in [0, 1], got " + falseAlarmRate);
    }
    if (calibrationImages <= 0) {
      throw new IllegalArgumentException("calibrationImages must be positive, got " + calibrationImages);
    }
  }
}
