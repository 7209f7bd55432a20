/**
 * The Kafka side of the streaming service: topic definitions, their creation on a cluster, and an
 * embedded single-node KRaft broker for development and tests.
 *
 * <p>This is the only package that imports {@code org.apache.kafka}. {@link
 * io.circuitstream.stream.kafka.Topics} holds the service's topics (names, partitions, replication
 * and per-topic configs, read from {@code kafka/topics.properties}) and creates the missing ones
 * through an {@code Admin} client; {@link io.circuitstream.stream.kafka.EmbeddedKafka} runs a
 * broker and controller in this JVM, bound to one host address only (127.0.0.1 by default), with
 * every internal replication factor at 1 so that consumer groups and transactions work on one node.
 * {@link io.circuitstream.stream.kafka.KafkaSource} and {@link io.circuitstream.stream.kafka.KafkaSink}
 * adapt the consumer and producer to the Reactor pipeline; {@link io.circuitstream.stream.kafka.ModelsTopic}
 * announces model versions on the compacted {@code models} topic and follows it.
 */
@NullMarked
package io.circuitstream.stream.kafka;

import org.jspecify.annotations.NullMarked;
