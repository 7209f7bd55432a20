package io.circuitstream.stream.kafka;

import org.jspecify.annotations.Nullable;

/**
 * One input record as the pipeline sees it, free of Kafka types.
 *
 * @param topic its topic
 * @param partition its partition
 * @param offset its offset
 * @param timestampMs its timestamp
 * @param key its key, the image id, if any
 * @param value its bytes
 * @param contentType the {@code content-type} header, if any
 * @param label the {@code label} header parsed as an integer, if any
 */
public record PolledRecord(String topic, int partition, long offset, long timestampMs, @Nullable String key,
    byte[] value, @Nullable String contentType, @Nullable Integer label) {}
