package io.circuitstream.stream.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;

/**
 * The topics of the streaming service, with their names, partitions, replication and configs.
 *
 * <p>There are six, each known by a fixed id: {@code images} (incoming images), {@code predictions},
 * {@code ood-alerts}, {@code images-dlq} (images that could not be decoded), {@code labelled-images}
 * (fine-tuning data) and {@code models} (model announcements, compacted). {@link #defaults()} holds
 * the built-in settings, which {@code kafka/topics.properties} documents; {@link #load(Path)} reads
 * that file format, where each key overrides one default:
 *
 * <pre>
 * topic.images.name=images
 * topic.images.partitions=3
 * topic.images.replication.factor=default
 * topic.images.config.retention.ms=86400000
 * </pre>
 *
 * <p>Instances are immutable; {@link #withPrefix(String)} derives a renamed copy, for example a set
 * of topics private to one test.
 */
public final class Topics {

  /** The ids of the service's topics, in the order used everywhere. */
  public static final List<String> IDS =
      List.of("images", "predictions", "ood-alerts", "images-dlq", "labelled-images", "models");

  /** The committed topics file, relative to the project root. */
  public static final Path DEFAULT_FILE = Path.of("kafka", "topics.properties");

  /** How long {@link #create(Admin)} waits for the cluster. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final String DAY_MS = "86400000";
  private static final String WEEK_MS = "604800000";
  private static final String DEFAULT_KEYWORD = "default";

  private static final Topics DEFAULTS = new Topics(List.of(
      topic("images", 3, Map.of("retention.ms", DAY_MS)),
      topic("predictions", 3, Map.of("retention.ms", DAY_MS)),
      topic("ood-alerts", 1, Map.of("retention.ms", WEEK_MS)),
      topic("images-dlq", 1, Map.of("retention.ms", WEEK_MS)),
      topic("labelled-images", 1, Map.of("retention.ms", WEEK_MS)),
      topic("models", 1, Map.of("cleanup.policy", "compact"))));

  /** The names of Kafka's topic configs: the {@code *_CONFIG} constants of Kafka's own {@code TopicConfig}. */
  private static final Set<String> KAFKA_TOPIC_CONFIGS = kafkaTopicConfigs();

  private final Map<String, TopicConfig> byId;

  private Topics(List<TopicConfig> topics) {
    Map<String, TopicConfig> map = new LinkedHashMap<>();
    Set<String> names = new HashSet<>();
    for (TopicConfig t : topics) {
      if (!IDS.contains(t.id())) {
        throw new IllegalArgumentException("unknown topic id '" + t.id() + "' (known: " + String.join(", ", IDS) + ")");
      }
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("topic name '" + t.name() + "' is used by two topics");
      }
      map.put(t.id(), t);
    }
    for (String id : IDS) {
      if (!map.containsKey(id)) {
        throw new IllegalArgumentException("topic " + id + " is missing");
      }
    }
    Map<String, TopicConfig> ordered = new LinkedHashMap<>();
    for (String id : IDS) {
      ordered.put(id, map.get(id));
    }
    this.byId = ordered;
  }

  private static Set<String> kafkaTopicConfigs() {
    Set<String> names = new HashSet<>();
    for (Field f : org.apache.kafka.common.config.TopicConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && f.getName().endsWith("_CONFIG")) {
        try {
          names.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read " + f, e);
        }
      }
    }
    return Set.copyOf(names);
  }

  private static TopicConfig topic(String id, int partitions, Map<String, String> configs) {
    return new TopicConfig(id, id, partitions, TopicConfig.CLUSTER_DEFAULT, configs);
  }

  /** Returns the built-in topics, which {@code kafka/topics.properties} documents. */
  public static Topics defaults() {
    return DEFAULTS;
  }

  /**
   * Reads a topics file: the defaults, with each key of the file overriding one of them.
   *
   * @param file a properties file in the format of {@code kafka/topics.properties}
   * @return the topics
   * @throws IllegalArgumentException if the file has an unknown key or a bad value; the message
   *     names the file and the key
   * @throws UncheckedIOException if the file cannot be read
   */
  public static Topics load(Path file) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(file + ": no such topics file", e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(props, file.toString());
  }

  /**
   * Applies topic properties to the defaults.
   *
   * @param props keys such as {@code topic.images.partitions}
   * @param source where the properties come from, for error messages
   * @return the topics
   * @throws IllegalArgumentException if a key is unknown or a value is bad; the message names the
   *     source and the key
   */
  public static Topics parse(Properties props, String source) {
    Map<String, String> names = new HashMap<>();
    Map<String, Integer> partitions = new HashMap<>();
    Map<String, Integer> replication = new HashMap<>();
    Map<String, Map<String, String>> configs = new HashMap<>();
    for (String key : new TreeSet<>(props.stringPropertyNames())) {
      String value = props.getProperty(key).trim();
      String id = idOf(key);
      if (id == null) {
        throw new IllegalArgumentException(source + ": unknown key '" + key + "'; keys are topic.<id>.name, "
            + "topic.<id>.partitions, topic.<id>.replication.factor and topic.<id>.config.<kafka topic config>, "
            + "with <id> one of " + String.join(", ", IDS));
      }
      String field = key.substring(("topic." + id + ".").length());
      switch (field) {
        case "name" -> names.put(id, value);
        case "partitions" -> partitions.put(id, parseInt(source, key, value));
        case "replication.factor" -> replication.put(id,
            value.equals(DEFAULT_KEYWORD) ? TopicConfig.CLUSTER_DEFAULT : parseInt(source, key, value));
        default -> {
          String config = field.startsWith("config.") ? field.substring("config.".length()) : "";
          if (config.isEmpty()) {
            throw new IllegalArgumentException(source + ": unknown key '" + key + "'; after topic." + id
                + ". comes name, partitions, replication.factor or config.<kafka topic config>");
          }
          if (!KAFKA_TOPIC_CONFIGS.contains(config)) {
            throw new IllegalArgumentException(source + ": unknown key '" + key + "': '" + config
                + "' is not a Kafka topic config (such as retention.ms, cleanup.policy, segment.bytes)");
          }
          configs.computeIfAbsent(id, k -> new HashMap<>()).put(config, value);
        }
      }
    }
    List<TopicConfig> topics = new ArrayList<>();
    try {
      for (TopicConfig d : DEFAULTS.all()) {
        Map<String, String> merged = new HashMap<>(d.configs());
        merged.putAll(configs.getOrDefault(d.id(), Map.of()));
        topics.add(new TopicConfig(d.id(), names.getOrDefault(d.id(), d.name()),
            partitions.getOrDefault(d.id(), d.partitions()),
            replication.getOrDefault(d.id(), d.replicationFactor()), merged));
      }
      return new Topics(topics);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static @Nullable String idOf(String key) {
    for (String id : IDS) {
      if (key.startsWith("topic." + id + ".")) {
        return id;
      }
    }
    return null;
  }

  private static int parseInt(String source, String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + ": " + key + ": '" + value + "' is not a whole number", e);
    }
  }

  /** Returns the topic of incoming images. */
  public TopicConfig images() {
    return byId.get("images");
  }

  /** Returns the topic of predictions, one per image. */
  public TopicConfig predictions() {
    return byId.get("predictions");
  }

  /** Returns the topic of out-of-distribution alerts. */
  public TopicConfig oodAlerts() {
    return byId.get("ood-alerts");
  }

  /** Returns the dead-letter topic for images that could not be processed. */
  public TopicConfig imagesDlq() {
    return byId.get("images-dlq");
  }

  /** Returns the topic of labelled images used for fine-tuning. */
  public TopicConfig labelledImages() {
    return byId.get("labelled-images");
  }

  /** Returns the compacted topic of model announcements. */
  public TopicConfig models() {
    return byId.get("models");
  }

  /**
   * Returns the topic with the given id.
   *
   * @param id one of {@link #IDS}
   * @return the topic
   * @throws IllegalArgumentException if the id is unknown
   */
  public TopicConfig get(String id) {
    TopicConfig t = byId.get(id);
    if (t == null) {
      throw new IllegalArgumentException("unknown topic id '" + id + "' (known: " + String.join(", ", IDS) + ")");
    }
    return t;
  }

  /** Returns every topic, in {@link #IDS} order. */
  public List<TopicConfig> all() {
    return List.copyOf(byId.values());
  }

  /** Returns every topic name, in {@link #IDS} order. */
  public List<String> names() {
    return byId.values().stream().map(TopicConfig::name).toList();
  }

  /**
   * Returns these topics with each name prefixed.
   *
   * @param prefix put in front of every name, for example {@code "test-42-"}
   * @return the renamed topics
   * @throws IllegalArgumentException if a prefixed name is not a legal topic name
   */
  public Topics withPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return new Topics(byId.values().stream().map(t -> t.withName(prefix + t.name())).toList());
  }

  /** Returns these topics as properties in the format that {@link #load(Path)} reads. */
  public Properties toProperties() {
    Properties p = new Properties();
    for (TopicConfig t : byId.values()) {
      String k = "topic." + t.id() + ".";
      p.setProperty(k + "name", t.name());
      p.setProperty(k + "partitions", Integer.toString(t.partitions()));
      p.setProperty(k + "replication.factor", t.replicationFactor() == TopicConfig.CLUSTER_DEFAULT
          ? DEFAULT_KEYWORD : Integer.toString(t.replicationFactor()));
      t.configs().forEach((name, value) -> p.setProperty(k + "config." + name, value));
    }
    return p;
  }

  /**
   * Creates the topics that do not exist yet on the cluster at the given address.
   *
   * @param bootstrapServers the cluster's {@code bootstrap.servers}, such as {@code kafka-1:9092}
   * @param timeout how long to wait for the cluster in all
   * @return the topics created and those left alone
   * @throws KafkaSetupException if the cluster refuses a topic or does not answer in time
   * @see #create(Admin, Duration)
   */
  public TopicCreation create(String bootstrapServers, Duration timeout) {
    int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 30_000)))) {
      return create(admin, timeout);
    } catch (KafkaSetupException e) {
      throw new KafkaSetupException("Kafka at " + bootstrapServers + ": " + e.getMessage(), e.getCause());
    } catch (KafkaException e) {
      throw new KafkaSetupException("cannot reach Kafka at " + bootstrapServers + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates the topics that do not exist yet, waiting at most {@link #DEFAULT_TIMEOUT}.
   *
   * @param admin a client of the cluster
   * @return the topics created and those left alone
   * @throws KafkaSetupException if the cluster refuses a topic or does not answer in time
   * @see #create(Admin, Duration)
   */
  public TopicCreation create(Admin admin) {
    return create(admin, DEFAULT_TIMEOUT);
  }

  /**
   * Creates the topics that do not exist yet and waits until each of their partitions has a leader.
   *
   * <p>Idempotent: topics that already exist are left exactly as they are, whatever their
   * partitions and configs, and reported as existing. A topic created concurrently by someone else
   * counts as existing too.
   *
   * @param admin a client of the cluster
   * @param timeout how long to wait for the cluster in all
   * @return the topics created and those left alone
   * @throws KafkaSetupException if the cluster refuses a topic or does not answer in time
   */
  public TopicCreation create(Admin admin, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> present = await(admin.listTopics(new ListTopicsOptions().listInternal(false)).names(),
        deadline, timeout, "list the topics");
    List<NewTopic> toCreate = new ArrayList<>();
    for (TopicConfig t : byId.values()) {
      if (!present.contains(t.name())) {
        toCreate.add(new NewTopic(t.name(), Optional.of(t.partitions()),
            t.replicationFactor() == TopicConfig.CLUSTER_DEFAULT
                ? Optional.empty() : Optional.of((short) t.replicationFactor()))
            .configs(t.configs()));
      }
    }
    Set<String> created = new HashSet<>();
    if (!toCreate.isEmpty()) {
      Map<String, KafkaFuture<Void>> results = admin.createTopics(toCreate,
          new CreateTopicsOptions().timeoutMs((int) Math.max(1, remainingMillis(deadline)))).values();
      for (Map.Entry<String, KafkaFuture<Void>> e : results.entrySet()) {
        try {
          e.getValue().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
          created.add(e.getKey());
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new KafkaSetupException("cannot create topic " + e.getKey() + ": "
                + ex.getCause().getMessage(), ex.getCause());
          }
        } catch (TimeoutException ex) {
          throw new KafkaSetupException(
              "creating topic " + e.getKey() + " took longer than " + timeout.toSeconds() + " s", ex);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new KafkaSetupException("interrupted while creating topic " + e.getKey(), ex);
        }
      }
      awaitLeaders(admin, created, deadline, timeout);
    }
    List<String> createdInOrder = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    for (String name : names()) {
      (created.contains(name) ? createdInOrder : existing).add(name);
    }
    return new TopicCreation(createdInOrder, existing);
  }

  private void awaitLeaders(Admin admin, Set<String> names, long deadline, Duration timeout) {
    if (names.isEmpty()) {
      return;
    }
    while (true) {
      try {
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(names).allTopicNames().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        boolean ready = descriptions.values().stream().allMatch(d ->
            d.partitions().size() == byName(d.name()).partitions()
                && d.partitions().stream().map(TopicPartitionInfo::leader).allMatch(Objects::nonNull));
        if (ready) {
          awaitLeading(admin, descriptions, deadline, timeout);
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new KafkaSetupException("cannot describe the new topics " + names + ": "
              + e.getCause().getMessage(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new KafkaSetupException(
            "the new topics " + names + " had no leaders within " + timeout.toSeconds() + " s", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaSetupException("interrupted while waiting for the new topics " + names, e);
      }
      if (remainingMillis(deadline) <= 0) {
        throw new KafkaSetupException(
            "the new topics " + names + " had no leaders within " + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaSetupException("interrupted while waiting for the new topics " + names, e);
      }
    }
  }

  /**
   * Waits until the leader serves every partition. The metadata answers above can name a leader a
   * moment before that broker has taken the partition on; a list-offsets request goes to the
   * leader itself, and the admin client retries it until the leader answers.
   */
  private static void awaitLeading(Admin admin, Map<String, TopicDescription> descriptions, long deadline,
      Duration timeout) {
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    descriptions.values().forEach(d -> d.partitions().forEach(p ->
        partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
    try {
      admin.listOffsets(partitions).all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new KafkaSetupException("the new topics " + descriptions.keySet() + " are not served: "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaSetupException("the new topics " + descriptions.keySet() + " were not served within "
          + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaSetupException("interrupted while waiting for the new topics " + descriptions.keySet(), e);
    }
  }

  private TopicConfig byName(String name) {
    return byId.values().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private static <T> T await(KafkaFuture<T> future, long deadline, Duration timeout, String what) {
    try {
      return future.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new KafkaSetupException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaSetupException("no answer within " + timeout.toSeconds() + " s when trying to " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaSetupException("interrupted while trying to " + what, e);
    }
  }

  private static long remainingMillis(long deadline) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Topics other && byId.equals(other.byId);
  }

  @Override
  public int hashCode() {
    return byId.hashCode();
  }

  @Override
  public String toString() {
    return "Topics" + byId.values();
  }
}
