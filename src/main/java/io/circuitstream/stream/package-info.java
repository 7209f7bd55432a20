/**
 * The Reactor pipeline of the service: consume, decode and validate, micro-batch, classify with the
 * active model, publish predictions, alerts and dead letters, then commit.
 */
@NullMarked
package io.circuitstream.stream;

import org.jspecify.annotations.NullMarked;
