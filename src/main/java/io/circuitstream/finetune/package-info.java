/**
 * Continuous fine-tuning: a side pipeline that learns from labelled feedback while the service serves.
 *
 * <p>Records of the {@code labelled-images} topic (the image formats of {@code images}, with a
 * label) fill a bounded replay buffer; a share of them is held out for validation. A job, started
 * every N new images, on a schedule or by {@code POST /retrain}, copies the active model's
 * parameters, trains the copy with the λ-weighted hybrid loss ({@link io.circuitstream.train.Trainer})
 * on the buffered feedback mixed with a sample of the original MNIST training data, on a thread of
 * its own, and hands the candidate to a validation gate: it is promoted — stored as a new version,
 * served and announced on the {@code models} topic through {@link io.circuitstream.serve.ModelFleet}
 * — only if its accuracy on the original validation images and on the held-out feedback drops by no
 * more than a margin; otherwise it is kept aside with the reason and serving does not change.
 *
 * <p>{@link io.circuitstream.finetune.SidePipeline#start} is the entry point; {@link
 * io.circuitstream.finetune.FineTuning} is what the admin server sees.
 */
@NullMarked
package io.circuitstream.finetune;

import org.jspecify.annotations.NullMarked;
