package io.circuitstream.app;

import io.circuitstream.admin.AdminOptions;
import io.circuitstream.admin.AdminServer;
import io.circuitstream.admin.AdminTokens;
import io.circuitstream.engine.circuit.Precision;
import io.circuitstream.finetune.FineTuneConfig;
import io.circuitstream.finetune.FineTuning;
import io.circuitstream.finetune.OriginalData;
import io.circuitstream.finetune.SidePipeline;
import io.circuitstream.metrics.FineTuneMetrics;
import io.circuitstream.metrics.ServiceMetrics;
import io.circuitstream.serve.ModelFleet;
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
import io.circuitstream.stream.kafka.ModelsTopic;
import io.circuitstream.stream.kafka.Topics;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.stream.message.Prediction;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jspecify.annotations.Nullable;

/**
 * One running service instance: broker (when embedded), topics, models, pipeline, fine-tuning side
 * pipeline and admin server.
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
  final ModelFleet fleet;
  final ModelsTopic modelsTopic;
  final ClassificationPipeline pipeline;
  final @Nullable SidePipeline fineTuning;
  final AdminServer admin;
  final AdminTokens.Resolved token;

  /** The consumer group of the labelled-images topic is the service's group with this suffix. */
  static final String FEEDBACK_GROUP_SUFFIX = "-feedback";
  /**
   * How long the broker may hold a fetch of the feedback topic: feedback only fills the replay buffer,
   * so it need not arrive within the micro-batch window, and a mostly idle topic polled every 5 ms
   * would cost the broker ~200 empty fetches a second on the cores that score images.
   */
  static final int FEEDBACK_FETCH_WAIT_MS = 500;

  /** How long start-up waits to read the models topic to its end. */
  static final Duration ANNOUNCEMENT_TIMEOUT = Duration.ofSeconds(60);

  private Service(ServiceConfig config, @Nullable EmbeddedKafka broker, String bootstrapServers, Topics topics,
      ServiceMetrics metrics, ModelService models, ModelFleet fleet, ModelsTopic modelsTopic,
      ClassificationPipeline pipeline, @Nullable SidePipeline fineTuning, AdminServer admin,
      AdminTokens.Resolved token) {
    this.config = config;
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
    this.topics = topics;
    this.metrics = metrics;
    this.models = models;
    this.fleet = fleet;
    this.modelsTopic = modelsTopic;
    this.pipeline = pipeline;
    this.fineTuning = fineTuning;
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
   * <p>The model it serves is, in this order: the latest version announced on the {@code models}
   * topic (so that a fleet converges, and a restarted instance comes back on the fleet's version),
   * else the given file, else the newest stored version.
   *
   * @param modelFile a model file to register in the store (and serve when nothing is announced), or
   *     {@code null}
   * @param log where start-up lines go
   * @throws NoModelException if there is no model to serve
   */
  static Service start(ServiceConfig config, @Nullable Path modelFile, PrintStream log) {
    ServiceMetrics metrics = new ServiceMetrics();
    FineTuneMetrics fineTuneMetrics = new FineTuneMetrics(metrics);
    int width = config.integer("image.width");
    int height = config.integer("image.height");
    int threads = config.integer("engine.threads") > 0 ? config.integer("engine.threads")
        : Runtime.getRuntime().availableProcessors();
    int maxBatch = config.integer("pipeline.batch.max-size");
    ModelStore store = new ModelStore(Path.of(config.string("model.store.dir")));
    Consumer<SwapResult> swaps = r -> {
      metrics.swap(r.outcome());
      if (r.outcome() == SwapResult.Outcome.SWAPPED) {
        metrics.activeModel(r.activeVersion());
      }
      log.println("model: " + r.message());
    };
    ModelService models = new ModelService(store, maxBatch, threads,
        Precision.parse(config.string("engine.precision")), width * height, swaps);
    String fileVersion = modelFile == null ? null : store.register(modelFile);
    if (fileVersion == null && store.newest().isEmpty() && config.optional("kafka.bootstrap.servers") == null) {
      // Fail before starting an embedded broker: its announcements would usually name files of this
      // very store, which is empty.
      models.close();
      throw noModel(store);
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

    ModelsTopic modelsTopic = new ModelsTopic(bootstrap, topics.models().name());
    ModelFleet fleet = new ModelFleet(models, modelsTopic::announce, swaps, a -> {
      if (a.action() == ModelAnnouncement.Action.PROMOTE) {
        fineTuneMetrics.promoted(OffsetDateTime.parse(a.activatedAt()).toInstant());
      }
    });
    Optional<ModelAnnouncement> announced = modelsTopic.catchUp(ANNOUNCEMENT_TIMEOUT);
    if (announced.isPresent()) {
      log.println("model: " + announced.get().version() + " is the version announced on " + topics.models().name());
      fleet.apply(announced.get());
    }
    if (models.activeVersion().isEmpty()) {
      String version = fileVersion != null ? fileVersion : store.newest().orElse(null);
      SwapResult first = version == null ? null : models.activate(version);
      if (first == null || first.outcome() != SwapResult.Outcome.SWAPPED) {
        modelsTopic.close();
        models.close();
        if (broker != null) {
          broker.close();
        }
        throw first == null ? noModel(store) : new NoModelException(first.message());
      }
    }

    boolean exactlyOnce = config.string("kafka.delivery").equals("exactly-once");
    int maxWaitMs = config.integer("pipeline.batch.max-wait-ms");
    KafkaSource source = new KafkaSource(bootstrap, config.string("kafka.group.id"), topics.images().name(),
        config.integer("pipeline.max-in-flight"), maxBatch, exactlyOnce, config.integer("kafka.session-timeout-ms"),
        maxWaitMs, metrics::consumerLag);
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
        Duration.ofMillis(maxWaitMs), exactlyOnce, limits);
    ClassificationPipeline pipeline = new ClassificationPipeline(pc, source, sink, models, metrics);
    pipeline.start();
    modelsTopic.watch(fleet::apply);

    SidePipeline sidePipeline = null;
    FineTuning fineTuning = FineTuning.disabled("fine-tuning is switched off on this instance (finetune.enabled=false)");
    if (config.bool("finetune.enabled")) {
      FineTuneConfig ft = config.fineTune();
      KafkaSource feedback = new KafkaSource(bootstrap, config.string("kafka.group.id") + FEEDBACK_GROUP_SUFFIX,
          topics.labelledImages().name(), config.integer("pipeline.max-in-flight"), maxBatch, false,
          config.integer("kafka.session-timeout-ms"), FEEDBACK_FETCH_WAIT_MS, (partition, lag) -> { });
      sidePipeline = SidePipeline.start(ft, feedback, fleet, fineTuneMetrics, limits,
          () -> OriginalData.mnist(ft.validationImages()), BuildInfo.version());
      fineTuning = sidePipeline;
      log.println("finetune: " + topics.labelledImages().name() + " (group " + config.string("kafka.group.id")
          + FEEDBACK_GROUP_SUFFIX + ") -> replay buffer of " + ft.bufferCapacity() + " images; jobs "
          + (ft.everyImages() > 0 ? "every " + ft.everyImages() + " new images, " : "")
          + (ft.intervalSeconds() > 0 ? "every " + ft.intervalSeconds() + " s with new feedback, " : "")
          + "on POST /retrain; λ " + ft.lambda() + ", " + ft.steps() + " steps, margin " + ft.margin());
    }
    AdminOptions options = AdminOptions.builder().host(config.string("admin.host")).port(adminPort)
        .token(token.token()).maxBodyBytes(config.integer("admin.max-body-bytes")).build();
    AdminServer admin = AdminServer.start(options, fleet, metrics, models::ready,
        (body, contentType) -> classifyOne(models, body, contentType, limits), fineTuning);
    log.println("admin: http://" + admin.host() + ":" + admin.port()
        + " (/health /ready /metrics /models /classify /retrain /jobs)");
    if (token.generated()) {
      log.println("admin: generated token for POST routes: " + token.token()
          + " (set admin.token or CIRCUITSTREAM_ADMIN_TOKEN to choose one)");
    }
    log.println("pipeline: " + topics.images().name() + " -> " + topics.predictions().name() + ", "
        + topics.oodAlerts().name() + ", " + topics.imagesDlq().name() + "; batches of up to " + maxBatch + " or "
        + config.integer("pipeline.batch.max-wait-ms") + " ms; " + config.string("kafka.delivery"));
    return new Service(config, broker, bootstrap, topics, metrics, models, fleet, modelsTopic, pipeline, sidePipeline,
        admin, token);
  }

  private static NoModelException noModel(ModelStore store) {
    return new NoModelException("no model to serve: the model store " + store.directory() + " is empty and no version "
        + "is announced. Train one (java -jar target/circuitstream.jar train --lambda 0.5 --out model.cstrm) and pass "
        + "--model model.cstrm");
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
    if (fineTuning != null) {
      fineTuning.close();
    }
    modelsTopic.close();
    pipeline.close();
    models.close();
    if (broker != null) {
      broker.close();
    }
  }
}
