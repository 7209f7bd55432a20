package io.circuitstream.app;

import io.circuitstream.engine.circuit.Precision;
import io.circuitstream.finetune.FineTuneConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The service's settings: a properties file, overridden by environment variables and by explicit
 * values, with every key known and checked.
 *
 * <p>The environment variable of a key is the key upper-cased with {@code .} and {@code -} replaced by
 * {@code _} ({@code kafka.bootstrap.servers} → {@code KAFKA_BOOTSTRAP_SERVERS}); {@code admin.token}
 * also reads {@code CIRCUITSTREAM_ADMIN_TOKEN}.
 */
final class ServiceConfig {
  /** The keys and their defaults, as in config/application.properties. */
  static final Map<String, String> DEFAULTS = defaults();

  private final Map<String, String> values;

  private ServiceConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("kafka.bootstrap.servers", "");
    d.put("kafka.embedded.host", "127.0.0.1");
    d.put("kafka.embedded.port", "9092");
    d.put("kafka.embedded.data-dir", "data/kafka");
    d.put("kafka.group.id", "circuitstream");
    d.put("kafka.topics.file", "kafka/topics.properties");
    d.put("kafka.delivery", "at-least-once");
    d.put("kafka.transactional-id-prefix", "circuitstream-");
    d.put("kafka.instance-id", "");
    d.put("kafka.session-timeout-ms", "10000");
    d.put("pipeline.batch.max-size", "256");
    d.put("pipeline.batch.max-wait-ms", "5");
    d.put("pipeline.max-in-flight", "2048");
    d.put("input.max-bytes", "65536");
    d.put("image.width", "28");
    d.put("image.height", "28");
    d.put("model.store.dir", "data/model-store");
    d.put("engine.threads", "0");
    d.put("engine.precision", "float64");
    d.put("admin.host", "127.0.0.1");
    d.put("admin.port", "8080");
    d.put("admin.token", "");
    d.put("admin.max-body-bytes", "1048576");
    d.put("finetune.enabled", "true");
    d.put("finetune.lambda", "0.5");
    d.put("finetune.learning-rate", "0.005");
    d.put("finetune.steps", "200");
    d.put("finetune.batch-size", "64");
    d.put("finetune.feedback-fraction", "0.5");
    d.put("finetune.buffer.capacity", "10000");
    d.put("finetune.held-out-fraction", "0.2");
    d.put("finetune.validation-images", "2000");
    d.put("finetune.margin", "0.01");
    d.put("finetune.trigger.every-images", "1000");
    d.put("finetune.trigger.interval-seconds", "0");
    d.put("finetune.threads", "1");
    d.put("finetune.seed", "42");
    return Collections.unmodifiableMap(d);
  }

  /** The properties file read when none is named: {@code config/application.properties}, if present. */
  static final Path DEFAULT_FILE = Path.of("config", "application.properties");

  /**
   * Loads the settings from {@code file}, or from {@link #DEFAULT_FILE} when {@code file} is
   * {@code null} and that exists, with the process environment and the given overrides.
   */
  static ServiceConfig load(@Nullable Path file, Map<String, String> overrides) {
    Path chosen = file != null ? file : Files.isRegularFile(DEFAULT_FILE) ? DEFAULT_FILE : null;
    return load(chosen, System.getenv(), overrides);
  }

  /**
   * Loads the settings.
   *
   * @param file a properties file, or {@code null} for the defaults only; a missing file is an error
   * @param env the environment (System.getenv() in production)
   * @param overrides explicit values, applied last
   * @throws IllegalArgumentException naming an unknown key or an unreadable file
   */
  static ServiceConfig load(@Nullable Path file, Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("configuration file " + file + " does not exist; pass --config FILE or "
            + "run from the project folder, which has config/application.properties");
      }
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      for (String key : new TreeSet<>(p.stringPropertyNames())) {
        put(v, key, p.getProperty(key).trim(), file.toString());
      }
    }
    for (String key : DEFAULTS.keySet()) {
      String e = env.get(envName(key));
      if (e != null) {
        v.put(key, e.trim());
      }
    }
    String token = env.get("CIRCUITSTREAM_ADMIN_TOKEN");
    if (token != null && !token.isBlank()) {
      v.put("admin.token", token.trim());
    }
    overrides.forEach((k, val) -> put(v, k, val, "--set"));
    ServiceConfig c = new ServiceConfig(v);
    c.validate();
    return c;
  }

  private static void put(Map<String, String> v, String key, String value, String where) {
    if (!DEFAULTS.containsKey(key)) {
      throw new IllegalArgumentException("unknown configuration key '" + key + "' in " + where + "; known keys: "
          + String.join(", ", DEFAULTS.keySet()));
    }
    v.put(key, value);
  }

  /** Returns the environment variable that overrides a key. */
  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private void validate() {
    integer("kafka.embedded.port");
    positive("kafka.session-timeout-ms");
    positive("pipeline.batch.max-size");
    positive("pipeline.batch.max-wait-ms");
    positive("pipeline.max-in-flight");
    positive("input.max-bytes");
    positive("image.width");
    positive("image.height");
    positive("admin.max-body-bytes");
    integer("engine.threads");
    try {
      Precision.parse(string("engine.precision"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("engine.precision (" + envName("engine.precision") + "): " + e.getMessage()
          + "; float32 is faster and halves the engine's memory, float64 is exact");
    }
    integer("admin.port");
    String d = string("kafka.delivery");
    if (!d.equals("at-least-once") && !d.equals("exactly-once")) {
      throw new IllegalArgumentException("kafka.delivery must be at-least-once or exactly-once, got '" + d + "'");
    }
    bool("finetune.enabled");
    fineTune();
  }

  /**
   * Returns the {@code finetune.*} settings.
   *
   * @throws IllegalArgumentException naming the key that is out of range
   */
  FineTuneConfig fineTune() {
    try {
      return new FineTuneConfig(decimal("finetune.lambda"), decimal("finetune.learning-rate"),
          integer("finetune.steps"), integer("finetune.batch-size"), decimal("finetune.feedback-fraction"),
          integer("finetune.buffer.capacity"), decimal("finetune.held-out-fraction"),
          integer("finetune.validation-images"), decimal("finetune.margin"), integer("finetune.trigger.every-images"),
          integer("finetune.trigger.interval-seconds"), integer("finetune.threads"), longInteger("finetune.seed"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("finetune settings: " + e.getMessage()
          + " (keys finetune.lambda, finetune.learning-rate, finetune.steps, ...; see config/application.properties)", e);
    }
  }

  private void positive(String key) {
    if (integer(key) <= 0) {
      throw new IllegalArgumentException(key + " must be positive, got " + values.get(key));
    }
  }

  /** Returns a key's value as text. */
  String string(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("unknown configuration key " + key);
    }
    return v;
  }

  /** Returns a key's value as an integer. */
  int integer(String key) {
    try {
      return Integer.parseInt(string(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + values.get(key) + "'");
    }
  }

  /** Returns a key's value as a long integer. */
  long longInteger(String key) {
    try {
      return Long.parseLong(string(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + values.get(key) + "'");
    }
  }

  /** Returns a key's value as a finite number. */
  double decimal(String key) {
    try {
      double v = Double.parseDouble(string(key));
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + values.get(key) + "'");
    }
  }

  /** Returns a key's value as a boolean, {@code true} or {@code false}. */
  boolean bool(String key) {
    String v = string(key);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    }
    return v.equals("true");
  }

  /** Returns a key's value, or {@code null} when it is empty. */
  @Nullable String optional(String key) {
    String v = string(key);
    return v.isBlank() ? null : v;
  }

  /** Returns every setting (for printing at start-up, token hidden). */
  Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>(values);
    if (!m.get("admin.token").isEmpty()) {
      m.put("admin.token", "(set)");
    }
    return m;
  }
}
