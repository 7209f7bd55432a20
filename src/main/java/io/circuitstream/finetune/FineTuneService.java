package io.circuitstream.finetune;

import io.circuitstream.data.ImageSet;
import io.circuitstream.engine.circuit.Circuit;
import io.circuitstream.engine.learn.HybridLoss;
import io.circuitstream.metrics.FineTuneMetrics;
import io.circuitstream.model.Model;
import io.circuitstream.model.OodCalibration;
import io.circuitstream.model.Provenance;
import io.circuitstream.serve.ModelFleet;
import io.circuitstream.serve.ServedModel;
import io.circuitstream.serve.SwapResult;
import io.circuitstream.stream.codec.Decoded;
import io.circuitstream.stream.codec.ImageCodecs;
import io.circuitstream.stream.codec.Limits;
import io.circuitstream.stream.kafka.KafkaSource;
import io.circuitstream.stream.kafka.PolledRecord;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.train.Trainer;
import io.circuitstream.train.TrainerConfig;
import io.circuitstream.train.TrainingListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The side pipeline: reads labelled feedback into the replay buffer, starts jobs on the triggers,
 * and runs them one at a time on a thread of its own.
 */
final class FineTuneService implements SidePipeline {
  private static final Logger LOG = LoggerFactory.getLogger(FineTuneService.class);

  /** Finished jobs kept for {@code GET /jobs}. */
  static final int KEPT_JOBS = 100;

  private final FineTuneConfig config;
  private final KafkaSource source;
  private final ModelFleet fleet;
  private final FineTuneMetrics metrics;
  private final Limits limits;
  private final Supplier<OriginalData> originalSupplier;
  private final String codeVersion;
  private final FeedbackBuffer buffer;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(daemon("finetune", Thread.MIN_PRIORITY));
  private final @Nullable ScheduledExecutorService schedule;
  private final Map<String, Job> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
  private final AtomicInteger numbers = new AtomicInteger();
  private final String idSuffix = Integer.toHexString(new SplittableRandom().nextInt(0x1000, 0x10000));
  private @Nullable Job running;
  private final Object originalLock = new Object();
  private @Nullable OriginalData original;
  private volatile boolean closed;
  private volatile @Nullable Disposable subscription;

  FineTuneService(FineTuneConfig config, KafkaSource source, ModelFleet fleet, FineTuneMetrics metrics, Limits limits,
      Supplier<OriginalData> original, String codeVersion) {
    this.config = config;
    this.source = source;
    this.fleet = fleet;
    this.metrics = metrics;
    this.limits = limits;
    this.originalSupplier = original;
    this.codeVersion = codeVersion;
    this.buffer = new FeedbackBuffer(config.bufferCapacity(), limits.height(), limits.width(), config.heldOutFraction());
    this.schedule = config.intervalSeconds() > 0
        ? Executors.newSingleThreadScheduledExecutor(daemon("finetune-schedule", Thread.NORM_PRIORITY)) : null;
  }

  private static ThreadFactory daemon(String name, int priority) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      t.setPriority(priority);
      return t;
    };
  }

  void start() {
    subscription = source.records().subscribe(this::accept,
        error -> LOG.error("the labelled-images consumer stopped; no more feedback is buffered", error));
    if (schedule != null) {
      schedule.scheduleWithFixedDelay(() -> {
        if (buffer.pending() > 0) {
          submit(Trigger.SCHEDULE, RetrainRequest.NONE);
        }
      }, config.intervalSeconds(), config.intervalSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Buffers one labelled-images record; runs on the consumer's poll thread. */
  void accept(PolledRecord r) {
    try {
      String outcome = buffer(r);
      metrics.feedbackRecord(outcome);
      metrics.bufferImages(buffer.size());
      if (!outcome.equals("buffered")) {
        buffer.consumed(r.topic(), r.partition(), r.offset());
      }
    } finally {
      source.release(1);
    }
    if (config.everyImages() > 0 && buffer.pending() >= config.everyImages()) {
      submit(Trigger.COUNT, RetrainRequest.NONE);
    }
  }

  private String buffer(PolledRecord r) {
    Decoded d = ImageCodecs.decode(r.value(), r.contentType(), r.key(), limits);
    if (!(d instanceof Decoded.Ok ok)) {
      return "invalid";
    }
    ImageMessage image = ok.image();
    Integer label = image.label() != null ? image.label() : r.label();
    if (label == null) {
      return "unlabelled";
    }
    int classes = fleet.served().map(s -> s.spec().numClasses()).orElse(256);
    if (label < 0 || label >= classes) {
      return "invalid";
    }
    if (image.missingCount() > 0) {
      return "incomplete";
    }
    buffer.add(image.id(), image.pixels(), label, r.topic(), r.partition(), r.offset());
    return "buffered";
  }

  @Override
  public Submission retrain(RetrainRequest request) {
    return submit(Trigger.ADMIN, request);
  }

  private synchronized Submission submit(Trigger trigger, RetrainRequest request) {
    if (closed) {
      return new Submission.Refused("the service is stopping", null);
    }
    Job current = running;
    if (current != null) {
      return new Submission.Refused("job " + current.id + " is running", current.id);
    }
    if (buffer.trainingImages() == 0) {
      return new Submission.Refused("no labelled feedback to train on is buffered on this instance ("
          + buffer.size() + " images, all held out); feedback comes from the labelled-images topic, whose partitions "
          + "the instances of the fleet share", null);
    }
    Optional<ServedModel> parent = fleet.served();
    if (parent.isEmpty()) {
      return new Submission.Refused("no model is active", null);
    }
    FeedbackSnapshot snapshot = buffer.snapshot();
    source.commit(snapshot.nextOffsets());
    int number = numbers.incrementAndGet();
    Job job = new Job("ft-" + number + "-" + idSuffix, number, trigger, config.with(request), parent.get(), snapshot);
    synchronized (jobs) {
      jobs.put(job.id, job);
      if (jobs.size() > KEPT_JOBS) {
        Iterator<String> oldest = jobs.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
    }
    running = job;
    metrics.running(true);
    LOG.info("fine-tuning job {} ({}) starts from {} on {} feedback images", job.id, trigger, job.parent.version(),
        snapshot.train().size());
    worker.execute(() -> run(job));
    return new Submission.Accepted(job.id);
  }

  private void run(Job job) {
    String outcome;
    try {
      outcome = execute(job);
    } catch (RuntimeException | OutOfMemoryError e) {
      LOG.error("fine-tuning job {} failed", job.id, e);
      job.finish(JobState.FAILED, "failed: " + e, null, null);
      outcome = "failed";
    }
    synchronized (this) {
      running = null;
    }
    metrics.running(false);
    metrics.run(outcome);
    LOG.info("fine-tuning job {}: {}", job.id, job.status().reason());
    if (config.everyImages() > 0 && buffer.pending() >= config.everyImages()) {
      submit(Trigger.COUNT, RetrainRequest.NONE);
    }
  }

  /** Trains, validates and promotes or rejects; returns the outcome for the runs metric. */
  private String execute(Job job) {
    FineTuneConfig c = job.settings;
    OriginalData data = original();
    ImageSet replay = replaySample(data.train(), job.feedback.train().size(), c.feedbackFraction(), c.seed() + job.number);
    job.replayImages(replay.size());
    Model parent = job.parent.load();
    Circuit circuit = parent.toCircuit(); // a copy: the serving model is never touched
    HybridLoss loss = new HybridLoss(c.lambda(), parent.spec().numVariables(), parent.logPrior());
    ValidationGate gate = new ValidationGate(data.validation(), job.feedback.heldOut(), c.margin(), loss,
        c.batchSize(), c.threads());
    ValidationGate.Scores before = gate.score(circuit);

    TrainerConfig tc = TrainerConfig.builder().lambda(c.lambda()).learningRate(c.learningRate())
        .batchSize(c.batchSize()).maxSteps(c.steps()).evalEvery(c.steps()).patience(1).maxEpochs(c.steps())
        .seed(c.seed() + job.number).threads(c.threads()).build();
    Trainer trainer = new Trainer(tc);
    if (!job.training(trainer)) {
      return stopped(job);
    }
    ImageSet trainSet = ImageSet.concat(job.feedback.train(), replay);
    ImageSet trainerValidation = job.feedback.heldOut().size() > 0 ? job.feedback.heldOut() : data.validation();
    Trainer.Result result = trainer.train(circuit, trainSet, trainerValidation, new TrainingListener() {
      @Override
      public void onStep(int step, int epoch, HybridLoss.Value running, double imagesPerSecond) {
        job.step(step);
      }
    });
    if (job.stopRequested()) {
      return stopped(job);
    }
    ValidationGate.Scores after = gate.score(circuit);
    ValidationGate.Decision decision = gate.decide(before, after);
    Map<String, Double> m = new LinkedHashMap<>(decision.metrics());
    m.put("steps", (double) result.steps());
    m.put("trainSeconds", result.seconds());
    job.metrics(m);
    metrics.compared(after.original().metrics().accuracy(), before.original().metrics().accuracy(),
        after.feedback() == null ? Double.NaN : after.feedback().metrics().accuracy(),
        before.feedback() == null ? Double.NaN : before.feedback().metrics().accuracy());

    OodCalibration ood = gate.calibrate(after, parent.ood().falseAlarmRate());
    m.put("oodThreshold", ood.threshold());
    Map<String, String> cfg = new LinkedHashMap<>(tc.asText());
    cfg.put("job", job.id);
    cfg.put("trigger", job.trigger.toString());
    cfg.put("feedbackOffsets", job.feedback.offsets());
    cfg.put("feedbackFraction", Double.toString(c.feedbackFraction()));
    cfg.put("margin", Double.toString(c.margin()));
    cfg.put("gate", decision.reason());
    String dataUsed = job.feedback.offsets() + " (" + job.feedback.train().size() + " training, "
        + job.feedback.heldOut().size() + " held-out feedback images) + " + replay.size()
        + " replayed MNIST training images; validated on " + data.validation().size() + " original validation images";
    Provenance provenance = new Provenance(c.lambda(), tc.seed(), dataUsed, codeVersion, Instant.now().toString(),
        job.parent.version(), m, cfg);
    Model candidate = new Model(parent.spec(), circuit.parameters(), parent.logPrior(), ood, provenance);

    if (!decision.promote()) {
      String kept = fleet.models().store().keepRejected(candidate, job.id).toString();
      job.finish(JobState.REJECTED, "rejected, " + decision.reason(), null, kept);
      return "rejected";
    }
    String activeNow = fleet.models().activeVersion().orElse("");
    if (!activeNow.equals(job.parent.version())) {
      String kept = fleet.models().store().keepRejected(candidate, job.id).toString();
      job.finish(JobState.REJECTED, "rejected: the active model changed from " + job.parent.version() + " to "
          + activeNow + " while the job ran; " + decision.reason(), null, kept);
      return "rejected";
    }
    SwapResult r = fleet.promote(candidate);
    if (r.outcome() != SwapResult.Outcome.SWAPPED) {
      job.finish(JobState.FAILED, "failed to serve the candidate: " + r.message(), null, null);
      return "failed";
    }
    job.finish(JobState.PROMOTED, "promoted as " + r.version() + ", " + decision.reason() + "; " + r.message(),
        r.version(), fleet.models().store().file(r.version()).toAbsolutePath().toString());
    return "promoted";
  }

  private static String stopped(Job job) {
    job.finish(JobState.FAILED, "stopped: the service is shutting down", null, null);
    return "failed";
  }

  /** Loads the original data once; under a lock of its own, as loading may take a while. */
  private OriginalData original() {
    synchronized (originalLock) {
      if (original == null) {
        original = originalSupplier.get();
      }
      return original;
    }
  }

  /** Draws the replayed share: enough original images that feedback makes up {@code fraction} of the training set. */
  static ImageSet replaySample(ImageSet train, int feedbackImages, double fraction, long seed) {
    int n = (int) Math.min(train.size(), Math.round(feedbackImages * (1 - fraction) / fraction));
    int[] picked = new SplittableRandom(seed).ints(0, train.size()).distinct().limit(n).toArray();
    return train.subset(picked);
  }

  @Override
  public Optional<JobStatus> job(String id) {
    Job j = jobs.get(id);
    return j == null ? Optional.empty() : Optional.of(j.status());
  }

  @Override
  public List<JobStatus> jobs() {
    List<JobStatus> out = new ArrayList<>();
    synchronized (jobs) {
      jobs.values().forEach(j -> out.add(j.status()));
    }
    Collections.reverse(out);
    return out;
  }

  @Override
  public int bufferedImages() {
    return buffer.size();
  }

  @Override
  public void close() {
    Job current;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      current = running;
    }
    if (schedule != null) {
      schedule.shutdownNow();
    }
    source.close();
    Disposable d = subscription;
    if (d != null) {
      d.dispose();
    }
    if (current != null) {
      current.requestStop();
    }
    worker.shutdown();
    try {
      if (!worker.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("a fine-tuning job did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
