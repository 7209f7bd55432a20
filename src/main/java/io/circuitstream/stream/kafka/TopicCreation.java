package io.circuitstream.stream.kafka;

import java.util.List;

/**
 * What {@link Topics#create} did: the topics it created and those that already existed.
 *
 * @param created the names of the topics created by this call, in {@link Topics#all()} order
 * @param existing the names of the topics that already existed and were left alone
 */
public record TopicCreation(List<String> created, List<String> existing) {

  /** Copies both lists. */
  public TopicCreation {
    created = List.copyOf(created);
    existing = List.copyOf(existing);
  }
}
