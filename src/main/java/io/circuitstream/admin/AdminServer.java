package io.circuitstream.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.circuitstream.finetune.FineTuning;
import io.circuitstream.finetune.RetrainRequest;
import io.circuitstream.finetune.Submission;
import io.circuitstream.metrics.ServiceMetrics;
import io.circuitstream.serve.ModelRegistry;
import io.circuitstream.serve.SwapResult;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server: probes, Prometheus metrics, model versions, a classify route and fine-tuning jobs.
 *
 * <p><b>Routes</b>
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"UP"}} while the process runs;</li>
 *   <li>{@code GET /ready}: 200 {@code {"ready":true}} or 503 {@code {"ready":false}};</li>
 *   <li>{@code GET /metrics}: the Prometheus text format 0.0.4 of {@link ServiceMetrics#scrape()};</li>
 *   <li>{@code GET /models}: the JSON array of {@link io.circuitstream.serve.ModelInfo};</li>
 *   <li>{@code GET /models/active}: the active {@code ModelInfo}, or 404 when none is;</li>
 *   <li>{@code POST /models/:version/activate}: the {@link SwapResult} as JSON, 200 when the version
 *       serves afterwards ({@code SWAPPED}, {@code ALREADY_ACTIVE}), 404 for {@code UNKNOWN_VERSION},
 *       422 for {@code LOAD_FAILED}; error bodies carry the result's fields and {@code "error"};</li>
 *   <li>{@code POST /classify}: the body (JSON or PNG, its content type passed through) goes to the
 *       {@link Classifier}; 200 with the {@link io.circuitstream.stream.message.Prediction} as JSON,
 *       400 when the classifier rejects the input;</li>
 *   <li>{@code POST /retrain}: starts a fine-tuning job through {@link FineTuning}; the optional JSON
 *       body {@code {"lambda":0.5,"steps":200,"learningRate":0.005}} overrides settings (every field
 *       optional); 202 {@code {"job":"<id>"}}, 400 for a bad body, 409 {@code {"error":...}} when no
 *       job was started (one runs — its id is in {@code "job"} —, no feedback, fine-tuning off);</li>
 *   <li>{@code GET /jobs}: the {@link io.circuitstream.finetune.JobStatus} of every known job, newest
 *       first; {@code GET /jobs/:id}: one job's status, or 404.</li>
 * </ul>
 *
 * <p><b>Security</b> Every {@code POST} requires {@code Authorization: Bearer <token>}, checked before
 * the body is read: no header gives 401 with {@code WWW-Authenticate: Bearer}, a wrong token 403.
 * Tokens are compared in constant time. Bodies larger than {@link AdminOptions#maxBodyBytes()} get
 * 413. The default bind address is loopback only.
 *
 * <p><b>Errors</b> Every error body is {@code {"error":"..."}}: unknown routes 404, wrong methods 405,
 * unexpected exceptions 500 with the exception's message.
 *
 * <p><b>Threads</b> Registry calls, activation (which loads a model file), classification and metric
 * scrapes run on a small worker pool; the event loop only parses and writes. The readiness supplier
 * is called on the event loop and must be cheap.
 */
public final class AdminServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  /** Worker threads for blocking routes; activation and classification are rare admin actions. */
  static final int WORKER_THREADS = 4;

  private static final long START_TIMEOUT_SECONDS = 30;
  private static final long STOP_TIMEOUT_SECONDS = 10;
  private static final String JSON_CONTENT_TYPE = "application/json; charset=utf-8";
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);

  private final Vertx vertx;
  private final HttpServer server;
  private final String host;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AdminServer(Vertx vertx, HttpServer server, String host) {
    this.vertx = vertx;
    this.server = server;
    this.host = host;
  }

  /**
   * Starts the server and returns once it listens.
   *
   * @param options where to listen, the token and the body limit
   * @param registry the model versions, listed and activated by the model routes
   * @param metrics the metrics {@code /metrics} renders
   * @param ready whether the service is ready for traffic (cheap: called on the event loop)
   * @param classifier decodes and classifies the body of {@code POST /classify}
   * @return the running server
   * @throws IllegalStateException if the address is in use or the server cannot listen; the message
   *     names the host and port
   */
  public static AdminServer start(AdminOptions options, ModelRegistry registry, ServiceMetrics metrics,
      BooleanSupplier ready, Classifier classifier) {
    return start(options, registry, metrics, ready, classifier,
        FineTuning.disabled("fine-tuning is not available on this server"));
  }

  /**
   * Starts the server with the fine-tuning routes and returns once it listens.
   *
   * @param fineTuning starts and reports fine-tuning jobs for {@code /retrain} and {@code /jobs}
   * @see #start(AdminOptions, ModelRegistry, ServiceMetrics, BooleanSupplier, Classifier)
   */
  public static AdminServer start(AdminOptions options, ModelRegistry registry, ServiceMetrics metrics,
      BooleanSupplier ready, Classifier classifier, FineTuning fineTuning) {
    Objects.requireNonNull(fineTuning, "fineTuning");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(ready, "ready");
    Objects.requireNonNull(classifier, "classifier");
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(1)
        .setWorkerPoolSize(WORKER_THREADS)
        .setMaxWorkerExecuteTime(5)
        .setMaxWorkerExecuteTimeUnit(TimeUnit.MINUTES)
        .setFileSystemOptions(new FileSystemOptions()
            .setFileCachingEnabled(false)
            .setClassPathResolvingEnabled(false)));
    String where = options.host() + ":" + options.port();
    try {
      Router router = new Routes(vertx, options, registry, metrics, ready, classifier, fineTuning).router();
      HttpServer server = vertx.createHttpServer(new HttpServerOptions()
              .setHost(options.host())
              .setPort(options.port()))
          .requestHandler(router);
      server.listen(options.port(), options.host())
          .toCompletionStage().toCompletableFuture()
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new AdminServer(vertx, server, options.host());
    } catch (ExecutionException e) {
      closeQuietly(vertx);
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (isAddressInUse(cause)) {
        throw new IllegalStateException("admin server cannot listen on " + where
            + ": the address is already in use; choose another admin port (0 picks a free one)", cause);
      }
      throw new IllegalStateException("admin server cannot listen on " + where + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      closeQuietly(vertx);
      throw new IllegalStateException("admin server did not start listening on " + where + " within "
          + START_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      closeQuietly(vertx);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the admin server on " + where, e);
    } catch (RuntimeException e) {
      closeQuietly(vertx);
      throw e;
    }
  }

  /** Returns the port the server listens on (the chosen one when the options asked for 0). */
  public int port() {
    return server.actualPort();
  }

  /** Returns the address the server is bound to, as given in the options. */
  public String host() {
    return host;
  }

  /** Stops listening and releases the threads; waits up to 10 s. Calling it again does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("admin server did not stop cleanly", e);
    }
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("closing Vert.x after a failed start", e);
    }
  }

  private static boolean isAddressInUse(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BindException) {
        return true;
      }
      String message = c.getMessage();
      if (message != null && message.toLowerCase(Locale.ROOT).contains("address already in use")) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /** The route handlers; one instance per server. */
  private static final class Routes {
    private final Vertx vertx;
    private final AdminOptions options;
    private final ModelRegistry registry;
    private final ServiceMetrics metrics;
    private final BooleanSupplier ready;
    private final Classifier classifier;
    private final FineTuning fineTuning;
    private final byte[] tokenHash;

    Routes(Vertx vertx, AdminOptions options, ModelRegistry registry, ServiceMetrics metrics,
        BooleanSupplier ready, Classifier classifier, FineTuning fineTuning) {
      this.vertx = vertx;
      this.options = options;
      this.registry = registry;
      this.metrics = metrics;
      this.ready = ready;
      this.classifier = classifier;
      this.fineTuning = fineTuning;
      this.tokenHash = sha256(options.token());
    }

    Router router() {
      Router router = Router.router(vertx);
      router.get("/health").handler(ctx -> sendJson(ctx, 200, "{\"status\":\"UP\"}"));
      router.get("/ready").handler(ctx -> {
        boolean isReady = ready.getAsBoolean();
        sendJson(ctx, isReady ? 200 : 503, "{\"ready\":" + isReady + "}");
      });
      router.get("/metrics").handler(ctx -> blocking(ctx, metrics::scrape, (c, text) -> c.response()
          .setStatusCode(200)
          .putHeader("Content-Type", ServiceMetrics.CONTENT_TYPE)
          .end(text)));
      router.get("/models").handler(ctx -> blocking(ctx, () -> json(registry.list()),
          (c, body) -> sendJson(c, 200, body)));
      router.get("/models/active").handler(ctx -> blocking(ctx,
          () -> registry.active().map(AdminServer::json).orElse(""),
          (c, body) -> {
            if (body.isEmpty()) {
              sendError(c, 404, "no model is active");
            } else {
              sendJson(c, 200, body);
            }
          }));
      // Every POST is authenticated before its body is read; only /classify reads one, up to the limit.
      router.post("/models/:version/activate")
          .handler(this::authenticate)
          .handler(this::activate);
      // Two routes, as Vert.x puts body handlers before user handlers within one route.
      router.post("/classify").handler(this::authenticate);
      router.post("/classify")
          .handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()))
          .handler(this::classify);
      router.post("/retrain").handler(this::authenticate);
      router.post("/retrain")
          .handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()))
          .handler(this::retrain);
      router.get("/jobs").handler(ctx -> blocking(ctx, () -> json(fineTuning.jobs()),
          (c, body) -> sendJson(c, 200, body)));
      router.get("/jobs/:id").handler(ctx -> {
        String id = Objects.requireNonNull(ctx.pathParam("id"), "id path parameter");
        blocking(ctx, () -> fineTuning.job(id).map(AdminServer::json).orElse(""), (c, body) -> {
          if (body.isEmpty()) {
            sendError(c, 404, "no fine-tuning job " + id + " on this instance");
          } else {
            sendJson(c, 200, body);
          }
        });
      });
      router.route().failureHandler(this::failure);
      router.errorHandler(404, ctx -> sendError(ctx, 404,
          "no route for " + ctx.request().method() + " " + ctx.request().path()));
      router.errorHandler(405, ctx -> sendError(ctx, 405,
          "method " + ctx.request().method() + " is not allowed on " + ctx.request().path()));
      router.errorHandler(500, this::failure);
      return router;
    }

    private void authenticate(RoutingContext ctx) {
      String presented = bearerToken(ctx.request().getHeader("Authorization"));
      if (presented == null) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        sendError(ctx, 401, "missing bearer token");
      } else if (!MessageDigest.isEqual(sha256(presented), tokenHash)) {
        sendError(ctx, 403, "invalid token");
      } else {
        ctx.next();
      }
    }

    private void activate(RoutingContext ctx) {
      String version = Objects.requireNonNull(ctx.pathParam("version"), "version path parameter");
      blocking(ctx, () -> registry.activate(version), (c, result) -> {
        switch (result.outcome()) {
          case SWAPPED, ALREADY_ACTIVE -> sendJson(c, 200, json(result));
          case UNKNOWN_VERSION -> sendJson(c, 404, swapError(result));
          case LOAD_FAILED -> sendJson(c, 422, swapError(result));
        }
      });
    }

    private void classify(RoutingContext ctx) {
      Buffer buffer = ctx.body().buffer();
      byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
      String contentType = ctx.request().getHeader("Content-Type");
      vertx.executeBlocking(() -> json(classifier.classify(body, contentType)), false)
          .onSuccess(json -> sendJson(ctx, 200, json))
          .onFailure(e -> {
            if (e instanceof IllegalArgumentException) {
              sendError(ctx, 400, messageOf(e));
            } else {
              ctx.fail(e);
            }
          });
    }

    private void retrain(RoutingContext ctx) {
      Buffer buffer = ctx.body().buffer();
      RetrainRequest request;
      try {
        request = retrainRequest(buffer == null ? new byte[0] : buffer.getBytes());
      } catch (IllegalArgumentException e) {
        sendError(ctx, 400, messageOf(e));
        return;
      }
      blocking(ctx, () -> fineTuning.retrain(request), (c, submission) -> {
        if (submission instanceof Submission.Accepted accepted) {
          sendJson(c, 202, json(Map.of("job", accepted.job())));
        } else if (submission instanceof Submission.Refused refused) {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("error", refused.reason());
          if (refused.runningJob() != null) {
            body.put("job", refused.runningJob());
          }
          sendJson(c, 409, json(body));
        }
      });
    }

    private void failure(RoutingContext ctx) {
      if (ctx.response().ended()) {
        return;
      }
      Throwable failure = ctx.failure();
      int status = ctx.statusCode();
      if (failure instanceof HttpException http) {
        status = http.getStatusCode();
      }
      if (status < 400 || status > 599) {
        status = 500;
      }
      String message;
      if (status == 413) {
        message = "request body exceeds " + options.maxBodyBytes() + " bytes";
      } else if (failure instanceof HttpException http && http.getPayload() != null) {
        message = http.getPayload();
      } else if (failure != null && status == 500) {
        message = messageOf(failure);
        LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      } else {
        message = HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(Locale.ROOT);
      }
      sendError(ctx, status, message);
    }

    /** Runs {@code work} on a worker thread, then {@code respond} on the event loop; failures go to 500. */
    private <T> void blocking(RoutingContext ctx, Callable<T> work, BiConsumer<RoutingContext, T> respond) {
      vertx.executeBlocking(work, false)
          .onSuccess(result -> {
            try {
              respond.accept(ctx, result);
            } catch (RuntimeException e) {
              ctx.fail(e);
            }
          })
          .onFailure(ctx::fail);
    }
  }

  /** Returns the token of an {@code Authorization: Bearer <token>} header, or null when there is none. */
  static @Nullable String bearerToken(@Nullable String header) {
    if (header == null) {
      return null;
    }
    String h = header.strip();
    if (h.length() <= 6 || !h.regionMatches(true, 0, "Bearer", 0, 6) || !Character.isWhitespace(h.charAt(6))) {
      return null;
    }
    String token = h.substring(7).strip();
    return token.isEmpty() ? null : token;
  }

  /**
   * Reads the optional body of {@code POST /retrain}: empty, or a JSON object with any of
   * {@code lambda}, {@code steps} and {@code learningRate}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static RetrainRequest retrainRequest(byte[] body) {
    if (new String(body, StandardCharsets.UTF_8).isBlank()) {
      return RetrainRequest.NONE;
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object such as {\"lambda\":0.5,\"steps\":200,"
          + "\"learningRate\":0.005}");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("lambda") && !name.equals("steps") && !name.equals("learningRate")) {
        throw new IllegalArgumentException("unknown field \"" + name + "\"; known: lambda, steps, learningRate");
      }
    }
    return new RetrainRequest(number(root, "lambda"), steps(root), number(root, "learningRate"));
  }

  private static @Nullable Double number(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isNumber()) {
      throw new IllegalArgumentException(field + " must be a number, got " + n);
    }
    return n.doubleValue();
  }

  private static @Nullable Integer steps(JsonNode root) {
    JsonNode n = root.get("steps");
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new IllegalArgumentException("steps must be an integer, got " + n);
    }
    return n.intValue();
  }

  private static String swapError(SwapResult result) {
    Map<String, Object> body = new LinkedHashMap<>();
    String message = result.message();
    body.put("error", message == null || message.isBlank()
        ? result.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + result.version()
        : message);
    body.put("outcome", result.outcome());
    body.put("version", result.version());
    body.put("activeVersion", result.activeVersion());
    body.put("message", result.message());
    return json(body);
  }

  private static void sendJson(RoutingContext ctx, int status, String json) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", JSON_CONTENT_TYPE)
        .end(json);
  }

  private static void sendError(RoutingContext ctx, int status, String message) {
    sendJson(ctx, status, json(Map.of("error", message)));
  }

  private static String messageOf(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getName() : message;
  }

  private static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
