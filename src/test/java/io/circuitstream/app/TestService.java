package io.circuitstream.app;

import io.circuitstream.model.Model;
import io.circuitstream.stream.kafka.Topics;
import java.nio.file.Path;
import java.util.Map;

/**
 * A running service on the shared test broker, for tests outside this package (the Kotlin client).
 *
 * <p>It is {@link StreamingServiceTest.Harness}: topics and a consumer group of its own, the admin
 * server on 127.0.0.1 on a free port with a fixed token, one model registered as {@code v0001}.
 */
public final class TestService implements AutoCloseable {

  private final StreamingServiceTest.Harness harness;

  private TestService(StreamingServiceTest.Harness harness) {
    this.harness = harness;
  }

  /**
   * Starts a service serving a model.
   *
   * @param dir a folder of the test's for the topics file, the model file and the model store
   * @param model the first model, registered as {@code v0001}
   * @param settings configuration keys to set besides the test defaults
   * @return the running service; close it
   */
  public static TestService start(Path dir, Model model, Map<String, String> settings) throws Exception {
    return new TestService(new StreamingServiceTest.Harness(dir, model, settings));
  }

  /** Returns the Kafka bootstrap servers the service uses. */
  public String bootstrapServers() {
    return harness.service.bootstrapServers;
  }

  /** Returns the service's topics (unique names on the shared broker). */
  public Topics topics() {
    return harness.topics;
  }

  /** Returns the consumer group of the service. */
  public String groupId() {
    return harness.service.config.string("kafka.group.id");
  }

  /** Returns the admin server's base URL, such as {@code http://127.0.0.1:40123}, without a trailing slash. */
  public String adminUrl() {
    return harness.adminUrl("");
  }

  /** Returns the admin token of the POST routes. */
  public String adminToken() {
    return harness.service.token.token();
  }

  /** Returns the admin server's port. */
  public int adminPort() {
    return harness.service.admin.port();
  }

  /**
   * Adds a model to the service's store without activating it.
   *
   * @return its version, such as {@code v0002}
   */
  public String addModel(Model model) {
    return harness.service.models.store().add(model);
  }

  @Override
  public void close() {
    harness.close();
  }
}
