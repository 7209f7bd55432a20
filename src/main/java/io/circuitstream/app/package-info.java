/** The application: command line, configuration and wiring; the only place that reads the environment. */
@NullMarked
package io.circuitstream.app;

import org.jspecify.annotations.NullMarked;
