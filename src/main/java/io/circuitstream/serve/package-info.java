/**
 * Serving: the model store, the active model and its hot swap, scoring of image batches, and the
 * fleet view ({@link io.circuitstream.serve.ModelFleet}) that announces and applies model versions.
 */
@NullMarked
package io.circuitstream.serve;

import org.jspecify.annotations.NullMarked;
