/**
 * Serving: the model store, the active model and its hot swap, and scoring of image batches.
 */
@NullMarked
package io.circuitstream.serve;

import org.jspecify.annotations.NullMarked;
