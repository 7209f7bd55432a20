package io.circuitstream.stream.kafka;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One topic of the service: its logical id, its name on the cluster, and how it is created.
 *
 * <p>The id ({@code images}, {@code models}, …) is what the code refers to; the name is what the
 * cluster calls it and may be changed per deployment or prefixed in tests. The configs are Kafka
 * topic configs such as {@code retention.ms} and {@code cleanup.policy}, kept sorted by key.
 *
 * @param id the logical id, one of {@link Topics#IDS}
 * @param name the topic name on the cluster
 * @param partitions the number of partitions, at least 1
 * @param replicationFactor the replication factor, at least 1, or {@link #CLUSTER_DEFAULT} for the
 *     broker's {@code default.replication.factor}
 * @param configs the topic configs, by Kafka config name
 */
public record TopicConfig(String id, String name, int partitions, int replicationFactor,
    Map<String, String> configs) {

  /** The replication factor that leaves the choice to the broker's {@code default.replication.factor}. */
  public static final int CLUSTER_DEFAULT = -1;

  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /**
   * Checks the values and copies the configs.
   *
   * @throws IllegalArgumentException if the name is not a legal Kafka topic name, or the
   *     partitions or the replication factor are out of range
   */
  public TopicConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(configs, "configs");
    if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("topic " + id + ": name '" + name
          + "' is not a legal Kafka topic name (1-249 characters from a-z A-Z 0-9 . _ -)");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("topic " + id + ": partitions must be at least 1, not " + partitions);
    }
    if (replicationFactor < 1 && replicationFactor != CLUSTER_DEFAULT) {
      throw new IllegalArgumentException("topic " + id + ": replication factor must be at least 1 (or "
          + "'default' for the cluster's default), not " + replicationFactor);
    }
    if (replicationFactor > Short.MAX_VALUE) {
      throw new IllegalArgumentException("topic " + id + ": replication factor " + replicationFactor
          + " is too large");
    }
    configs = Collections.unmodifiableMap(new TreeMap<>(configs));
  }

  /**
   * Returns this topic under another name.
   *
   * @param newName the new topic name
   * @return a copy with the given name
   */
  public TopicConfig withName(String newName) {
    return new TopicConfig(id, newName, partitions, replicationFactor, configs);
  }
}
