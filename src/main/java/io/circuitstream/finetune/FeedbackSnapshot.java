package io.circuitstream.finetune;

import io.circuitstream.data.ImageSet;
import java.util.Map;

/**
 * The feedback one job uses, copied out of the replay buffer.
 *
 * @param train the images to train on
 * @param heldOut the images held out for the validation gate
 * @param offsets the records they came from, per topic partition the first and last offset, such as
 *     {@code labelled-images[0]:120-619}
 * @param nextOffsets per topic and partition, the offset after the last record read, to commit
 */
record FeedbackSnapshot(ImageSet train, ImageSet heldOut, String offsets, Map<String, Map<Integer, Long>> nextOffsets) {}
