/**
 * Class-conditional probabilistic circuits over images: structure, parameters and folded evaluation.
 *
 * <p>A {@link io.circuitstream.engine.circuit.CircuitSpec} describes the structure, a
 * {@link io.circuitstream.engine.circuit.Circuit} adds parameters, and an
 * {@link io.circuitstream.engine.circuit.Evaluator} computes {@code log p(x_obs | y)} for batches of
 * {@link io.circuitstream.engine.circuit.Evidence}, with exact marginalisation of missing pixels, and
 * the gradient of any loss of those outputs. The package is pure computation: no files, sockets or
 * schedulers.
 */
@NullMarked
package io.circuitstream.engine.circuit;

import org.jspecify.annotations.NullMarked;
