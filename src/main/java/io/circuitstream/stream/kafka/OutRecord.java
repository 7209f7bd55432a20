package io.circuitstream.stream.kafka;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A record to publish.
 *
 * @param topic destination topic
 * @param key record key
 * @param value record bytes
 * @param headers headers as UTF-8 text
 */
public record OutRecord(String topic, @Nullable String key, byte[] value, Map<String, String> headers) {
  /** Copies the headers. */
  public OutRecord {
    headers = Map.copyOf(headers);
  }
}
