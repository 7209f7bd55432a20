package io.circuitstream.app;

import io.circuitstream.admin.AdminOptions;
import io.circuitstream.admin.AdminServer;
import io.circuitstream.admin.AdminTokens;
import io.circuitstream.metrics.ServiceMetrics;
import io.circuitstream.serve.ModelService;
import io.circuitstream.serve.ModelStore;
import io.circuitstream.serve.ScoredBatch;
import io.circuitstream.serve.ScoredImage;
import io.circuitstream.serve.SwapResult;
import io.circuitstream.stream.ClassificationPipeline;
import io.circuitstream.stream.PipelineConfig;
import io.circuitstream.stream.codec.Decoded;
import io.circuitstream.stream.codec.ImageCodecs;
import io.circuitstream.stream.codec.Limits;
import io.circuitstream.stream.kafka.EmbeddedKafka;
import io.circuitstream.stream.kafka.KafkaSink;
import io.circuitstream.stream.kafka.KafkaSource;
import io.circuitstream.stream.kafka.Topics;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.Prediction;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jspecify.annotations.Nullable;

/**
 * One running service instance: broker (when embedded), topics, models, pipeline and admin server.
 *
 * <p>{@link #start} brings everything up in order and {@link #close} takes it down in reverse.
 */
final class Service implements AutoCloseable {
  final ServiceConfig config;
  final @Nullable EmbeddedKafka broker;
  final String bootstrapServers;
  final Topics topics;
  final ServiceMetrics metrics;
  final ModelService models;
  final ClassificationPipeline pipeline;
  final AdminServer admin;
  final AdminTokens.Resolved token;

  private Service(ServiceConfig config, @Nullable EmbeddedKafka broker, String bootstrapServers, Topics topics,
      ServiceMetrics metrics, ModelService models, ClassificationPipeline pipeline, AdminServer admin,
      AdminTokens.Resolved token) {
    this.config = config;
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
    this.topics = topics;
    this.metrics = metrics;
    this.models = models;
    this.pipeline = pipeline;
    this.admin = admin;
    this.token = token;
  }

  /** Thrown when no model can be served; the message says how to get one. */
  static final class NoModelException extends RuntimeException {
    NoModelException(String message) {
      super(message);
    }
  }

  /**
   * Starts a service.
   *
   * @param modelFile a model file to register and serve, or {@code null} for the newest stored one
   * @param log where start-up lines go
   * @throws NoModelException if there is no model to serve
   */
  static Service start(ServiceConfig config, @Nullable Path modelFile, PrintStream log) {
    ServiceMetrics metrics = new ServiceMetrics();
    int width = config.integer("image.width");
    int height = config.integer("image.height");
    int threads = config.integer("engine.threads") > 0 ? config.integer("engine.threads")
        : Runtime.getRuntime().availableProcessors();
    int maxBatch = config.integer("pipeline.batch.max-size");
    ModelStore store = new ModelStore(Path.of(config.string("model.store.dir")));
    ModelService models = new ModelService(store, maxBatch, threads, width * height, r -> {
      metrics.swap(r.outcome());
      if (r.outcome() == SwapResult.Outcome.SWAPPED) {
        metrics.activeModel(r.activeVersion());
      }
      log.println("model: " + r.message());
    });
    String version;
    if (modelFile != null) {
      version = store.register(modelFile);
    } else {
      Optional<String> newest = store.newest();
      if (newest.isEmpty()) {
        models.close();
        throw new NoModelException("no model to serve: the model store " + store.directory() + " is empty. Train one "
            + "(java -jar target/circuitstream.jar train --lambda 0.5 --out model.cstrm) and pass --model model.cstrm");
      }
      version = newest.get();
    }
    SwapResult first = models.activate(version);
    if (first.outcome() != SwapResult.Outcome.SWAPPED) {
      models.close();
      throw new NoModelException(first.message());
    }

    EmbeddedKafka broker = null;
    String bootstrap = config.optional("kafka.bootstrap.servers");
    if (bootstrap == null) {
      broker = EmbeddedKafka.start(Path.of(config.string("kafka.embedded.data-dir")),
          config.string("kafka.embedded.host"), config.integer("kafka.embedded.port"));
      bootstrap = broker.bootstrapServers();
      log.println("kafka: embedded KRaft broker on " + bootstrap + " (data in "
          + config.string("kafka.embedded.data-dir") + ")");
    } else {
      log.println("kafka: using the cluster at " + bootstrap);
    }
    Path topicsFile = Path.of(config.string("kafka.topics.file"));
    Topics topics = Files.isRegularFile(topicsFile) ? Topics.load(topicsFile) : Topics.defaults();
    try (Admin kafkaAdmin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      topics.create(kafkaAdmin);
    }
    boolean exactlyOnce = config.string("kafka.delivery").equals("exactly-once");
    KafkaSource source = new KafkaSource(bootstrap, config.string("kafka.group.id"), topics.images().name(),
        config.integer("pipeline.max-in-flight"), maxBatch, exactlyOnce, config.integer("kafka.session-timeout-ms"),
        metrics::consumerLag);
    AdminTokens.Resolved token = AdminTokens.resolve(config.optional("admin.token"), null);
    int adminPort = config.integer("admin.port");
    String instance = config.optional("kafka.instance-id");
    if (instance == null) {
      instance = hostName() + "-" + (adminPort > 0 ? Integer.toString(adminPort) : Long.toString(ProcessHandle.current().pid()));
    }
    KafkaSink sink = new KafkaSink(bootstrap, exactlyOnce ? config.string("kafka.transactional-id-prefix") + instance : null);
    Limits limits = new Limits(width, height, config.integer("input.max-bytes"));
    PipelineConfig pc = new PipelineConfig(topics.images().name(), topics.predictions().name(),
        topics.oodAlerts().name(), topics.imagesDlq().name(), maxBatch,
        Duration.ofMillis(config.integer("pipeline.batch.max-wait-ms")), exactlyOnce, limits);
    ClassificationPipeline pipeline = new ClassificationPipeline(pc, source, sink, models, metrics);
    pipeline.start();
    AdminOptions options = AdminOptions.builder().host(config.string("admin.host")).port(adminPort)
        .token(token.token()).maxBodyBytes(config.integer("admin.max-body-bytes")).build();
    AdminServer admin = AdminServer.start(options, models, metrics, models::ready,
        (body, contentType) -> classifyOne(models, body, contentType, limits));
    log.println("admin: http://" + admin.host() + ":" + admin.port() + " (/health /ready /metrics /models /classify)");
    if (token.generated()) {
      log.println("admin: generated token for POST routes: " + token.token()
          + " (set admin.token or CIRCUITSTREAM_ADMIN_TOKEN to choose one)");
    }
    log.println("pipeline: " + topics.images().name() + " -> " + topics.predictions().name() + ", "
        + topics.oodAlerts().name() + ", " + topics.imagesDlq().name() + "; batches of up to " + maxBatch + " or "
        + config.integer("pipeline.batch.max-wait-ms") + " ms; " + config.string("kafka.delivery"));
    return new Service(config, broker, bootstrap, topics, metrics, models, pipeline, admin, token);
  }

  private static Prediction classifyOne(ModelService models, byte[] body, @Nullable String contentType,
      Limits limits) {
    Decoded d = ImageCodecs.decode(body, contentType, "classify", limits);
    if (d instanceof Decoded.Invalid bad) {
      throw new IllegalArgumentException(bad.reason() + ": " + bad.detail());
    }
    ImageMessage image = ((Decoded.Ok) d).image();
    ScoredBatch b = models.score(List.of(image));
    ScoredImage s = b.images().get(0);
    return new Prediction(image.id(), s.label(), s.probabilities(), s.logLikelihood(), s.oodScore(), s.ood(),
        image.missingCount(), b.version(), 1, System.currentTimeMillis(), 0, b.scoringSeconds() * 1e3);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  @Override
  public void close() {
    admin.close();
    pipeline.close();
    models.close();
    if (broker != null) {
      broker.close();
    }
  }
}
