/**
 * The admin HTTP endpoint: an {@link io.circuitstream.admin.AdminServer} (Vert.x and vertx-web) for
 * operators, with health and readiness probes, the Prometheus {@code /metrics} page, the model list,
 * model activation and rollback, a {@code /classify} route to try the active model by hand, and the
 * fine-tuning routes {@code /retrain} and {@code /jobs}.
 *
 * <p>Everything that changes state or costs CPU is a {@code POST} guarded by a bearer token
 * ({@link io.circuitstream.admin.AdminTokens}); the server binds the loopback address unless told
 * otherwise. Blocking work (loading a model file, scoring an image) runs on worker threads, never
 * on the event loop. Every error body is a JSON object {@code {"error": "..."}}.
 */
@NullMarked
package io.circuitstream.admin;

import org.jspecify.annotations.NullMarked;
