/**
 * Training and evaluation of circuits on image sets: the trainer, masks, and dataset metrics.
 *
 * <p>Uses the engine for the arithmetic and {@link io.circuitstream.data.ImageSet} for the data; it
 * reads no files itself.
 */
@NullMarked
package io.circuitstream.train;

import org.jspecify.annotations.NullMarked;
