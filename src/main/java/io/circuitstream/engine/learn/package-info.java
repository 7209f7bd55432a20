/**
 * Learning: the λ-weighted hybrid loss and the Adam optimiser, over circuits of the engine.
 *
 * <p>Pure computation, like the rest of the engine.
 */
@NullMarked
package io.circuitstream.engine.learn;

import org.jspecify.annotations.NullMarked;
