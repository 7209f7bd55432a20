/**
 * Trained models as values and as files: a {@link io.circuitstream.model.Model} bundles a circuit's
 * structure and parameters with its class prior, its out-of-distribution calibration and its
 * {@link io.circuitstream.model.Provenance}; {@link io.circuitstream.model.ModelFiles} writes and reads
 * the checksummed binary format of {@code docs/model-format.md}.
 *
 * <p>This is where model file I/O lives, so the engine stays pure. A model is immutable: training or
 * fine-tuning produces a new one, and files are replaced atomically. Reading checks the magic, the
 * format version and the SHA-256 before it trusts the content, and every failure is a
 * {@link io.circuitstream.model.ModelFileException} whose message names the file, says what is wrong
 * and how to fix it.
 */
@NullMarked
package io.circuitstream.model;

import org.jspecify.annotations.NullMarked;
