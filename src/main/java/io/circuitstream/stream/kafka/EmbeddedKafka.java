package io.circuitstream.stream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.jspecify.annotations.Nullable;

/**
 * A single-node Kafka cluster (broker and KRaft controller in one) running inside this JVM.
 *
 * <p>Both listeners are bound to one host address, 127.0.0.1 by default, and never to the wildcard
 * address. Every internal topic has one replica and one partition, consumer groups start without the
 * initial rebalance delay, transactions work, and topics are never created automatically: create
 * them with {@link Topics#create}.
 *
 * <p><b>Data.</b> The data folder holds the topic data ({@code kafka-logs/}), the last
 * {@code server.properties} and {@code embedded-kafka.properties}, which records the controller
 * port. The storage is formatted on the first start only; a later start with the same
 * folder keeps every topic and record. It reuses the recorded controller port when that is free, and
 * picks another otherwise (the single voter of the KRaft quorum follows). Two brokers cannot share a
 * data folder: the second fails with a message saying so.
 *
 * <p><b>Logging.</b> Kafka logs through SLF4J; this class prints nothing itself and does not change
 * any logging setting.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** The host the listeners bind to unless told otherwise. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** How long {@link #start(Path, String, int)} waits for the broker to answer. */
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

  /** The folder, under the data folder, that holds the topic data and {@code meta.properties}. */
  static final String LOG_DIR = "kafka-logs";

  /** The file, under the data folder, that records the last controller port. */
  static final String STATE_FILE = "embedded-kafka.properties";

  private static final int NODE_ID = 1;

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final String host;
  private final int port;
  private final int controllerPort;
  private final boolean formatted;
  private final Duration startupTime;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(KafkaRaftServer server, Path dataDir, String host, int port, int controllerPort,
      boolean formatted, Duration startupTime) {
    this.server = server;
    this.dataDir = dataDir;
    this.host = host;
    this.port = port;
    this.controllerPort = controllerPort;
    this.formatted = formatted;
    this.startupTime = startupTime;
  }

  /**
   * Starts a broker on 127.0.0.1 with free ports.
   *
   * @param dataDir the data folder, created if missing
   * @return the running broker
   * @throws KafkaSetupException if the broker cannot be started
   */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, DEFAULT_HOST, 0);
  }

  /**
   * Starts a broker and waits at most {@link #DEFAULT_READY_TIMEOUT} until it answers.
   *
   * @param dataDir the data folder, created if missing; formatted on the first start only
   * @param host the address both listeners bind to; not a wildcard address
   * @param port the client port, or 0 for a free one
   * @return the running broker
   * @throws KafkaSetupException if the broker cannot be started; the message names the port or
   *     folder at fault
   * @throws IllegalArgumentException if the host is a wildcard address or the port is out of range
   */
  public static EmbeddedKafka start(Path dataDir, String host, int port) {
    return start(dataDir, host, port, DEFAULT_READY_TIMEOUT);
  }

  /**
   * Starts a broker and waits until it answers.
   *
   * @param dataDir the data folder, created if missing; formatted on the first start only
   * @param host the address both listeners bind to; not a wildcard address
   * @param port the client port, or 0 for a free one
   * @param readyTimeout how long to wait for the broker to answer an {@code Admin} request
   * @return the running broker
   * @throws KafkaSetupException if the broker cannot be started; the message names the port or
   *     folder at fault
   * @throws IllegalArgumentException if the host is a wildcard address or the port is out of range
   */
  public static EmbeddedKafka start(Path dataDir, String host, int port, Duration readyTimeout) {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(readyTimeout, "readyTimeout");
    long begin = System.nanoTime();
    InetAddress address = checkHost(host);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
    }
    Path dir = dataDir.toAbsolutePath().normalize();
    Path logDir = dir.resolve(LOG_DIR);
    Path stateFile = dir.resolve(STATE_FILE);
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new KafkaSetupException("cannot create the Kafka data folder " + logDir + ": " + e, e);
    }
    boolean needsFormat = !Files.exists(logDir.resolve("meta.properties"));
    if (!needsFormat) {
      checkNotLocked(logDir);
    }
    Properties state = needsFormat ? new Properties() : readState(stateFile);

    int brokerPort = port;
    if (brokerPort == 0) {
      brokerPort = freePort(address);
    } else {
      checkFree(address, brokerPort, "port " + brokerPort + " on " + host + " is already in use (another"
          + " Kafka broker?); choose another port (broker --port N), or 0 to pick a free one");
    }
    int controller = recordedPort(state, stateFile);
    if (controller <= 0 || controller == brokerPort || !isFree(address, controller)) {
      do {
        controller = freePort(address);
      } while (controller == brokerPort);
    }
    Properties props = serverProperties(host, brokerPort, controller, logDir);
    Path config = dir.resolve("server.properties");
    writeProperties(config, props, "Written by EmbeddedKafka on each start; changes are overwritten.");
    if (needsFormat) {
      format(config, Uuid.randomUuid().toString(), logDir);
    }
    Properties newState = new Properties();
    newState.setProperty("controller.port", Integer.toString(controller));
    writeProperties(stateFile, newState, "Written by EmbeddedKafka: the last controller port, reused when free.");

    KafkaRaftServer server = newServer(props, dir);
    String where = host + ":" + brokerPort;
    try {
      server.startup();
    } catch (RuntimeException e) {
      shutdownQuietly(server);
      if (causedByBind(e)) {
        throw new KafkaSetupException("cannot start Kafka on " + where + " (controller port " + controller
            + "): a port is already in use; choose another port (broker --port N), or 0 to pick a free one", e);
      }
      throw new KafkaSetupException("cannot start Kafka on " + where + " with data in " + dir + ": "
          + e.getMessage(), e);
    }
    String bootstrap = bootstrapServers(host, brokerPort);
    try {
      awaitReady(bootstrap, readyTimeout, dir);
    } catch (RuntimeException e) {
      shutdownQuietly(server);
      throw e;
    }
    return new EmbeddedKafka(server, dir, host, brokerPort, controller, needsFormat,
        Duration.ofNanos(System.nanoTime() - begin));
  }

  /**
   * Creates the server reflectively: kafka_2.13's POM puts kafka-server on the runtime scope, so
   * {@code KafkaConfig}'s superclass is missing from the compile classpath and javac cannot check a
   * direct call. The two calls are {@code KafkaConfig.fromProps(props, false)} (false: do not log
   * every setting) and {@code new KafkaRaftServer(config, Time.SYSTEM)}.
   */
  private static KafkaRaftServer newServer(Properties props, Path dir) {
    try {
      Class<?> configClass = Class.forName("kafka.server.KafkaConfig");
      Object config = configClass.getMethod("fromProps", Properties.class, boolean.class).invoke(null, props, false);
      return KafkaRaftServer.class.getConstructor(configClass, Time.class).newInstance(config, Time.SYSTEM);
    } catch (InvocationTargetException e) {
      throw new KafkaSetupException("cannot start Kafka with data in " + dir + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Kafka's server classes are not as expected (kafka_2.13 4.4.0)", e);
    }
  }

  private static InetAddress checkHost(String host) {
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank: Kafka would bind every address");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host '" + host + "'", e);
    }
    if (address.isAnyLocalAddress()) {
      throw new IllegalArgumentException("host " + host + " is the wildcard address; the embedded broker"
          + " binds one address only, such as 127.0.0.1");
    }
    return address;
  }

  private static int freePort(InetAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new KafkaSetupException("cannot find a free port on " + address.getHostAddress() + ": " + e, e);
    }
  }

  private static boolean isFree(InetAddress address, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int recordedPort(Properties state, Path stateFile) {
    String recorded = state.getProperty("controller.port");
    if (recorded == null) {
      return 0;
    }
    try {
      return Integer.parseInt(recorded.trim());
    } catch (NumberFormatException e) {
      throw new KafkaSetupException(stateFile + ": controller.port '" + recorded + "' is not a port number", e);
    }
  }

  /** Fails if a running broker, in this JVM or another, holds the lock on the data folder. */
  private static void checkNotLocked(Path logDir) {
    Path lockFile = logDir.resolve(".lock");
    if (!Files.exists(lockFile)) {
      return;
    }
    String message = "the Kafka data folder " + logDir.getParent() + " is in use by another running broker;"
        + " stop that one first, or use another data folder (broker --data-dir DIR)";
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new KafkaSetupException(message);
      }
      lock.release();
    } catch (OverlappingFileLockException e) {
      throw new KafkaSetupException(message, e);
    } catch (IOException e) {
      throw new KafkaSetupException("cannot check the lock " + lockFile + ": " + e, e);
    }
  }

  private static void checkFree(InetAddress address, int port, String message) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, port));
    } catch (BindException e) {
      throw new KafkaSetupException(message, e);
    } catch (IOException e) {
      throw new KafkaSetupException("cannot bind " + address.getHostAddress() + ":" + port + ": " + e, e);
    }
  }

  private static String listener(String name, String host, int port) {
    return name + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static Properties serverProperties(String host, int port, int controllerPort, Path logDir) {
    Properties p = new Properties();
    p.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", Integer.toString(NODE_ID)),
        Map.entry("listeners", listener("PLAINTEXT", host, port) + "," + listener("CONTROLLER", host, controllerPort)),
        Map.entry("advertised.listeners", listener("PLAINTEXT", host, port)),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
        Map.entry("controller.quorum.bootstrap.servers",
            (host.contains(":") ? "[" + host + "]" : host) + ":" + controllerPort),
        Map.entry("log.dirs", logDir.toString()),
        Map.entry("auto.create.topics.enable", "false"),
        Map.entry("num.partitions", "1"),
        Map.entry("default.replication.factor", "1"),
        Map.entry("min.insync.replicas", "1"),
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "1"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "1"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        // A small machine: fewer threads, and a 16 MiB compaction buffer instead of 128 MiB.
        Map.entry("num.network.threads", "2"),
        Map.entry("num.io.threads", "2"),
        Map.entry("num.recovery.threads.per.data.dir", "1"),
        Map.entry("log.cleaner.threads", "1"),
        Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20))));
    return p;
  }

  private static void format(Path config, String clusterId, Path logDir) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int rc;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString(), "--standalone"},
          out);
    } catch (RuntimeException e) {
      throw new KafkaSetupException("cannot format the Kafka storage in " + logDir + ": " + e.getMessage(), e);
    }
    if (rc != 0) {
      throw new KafkaSetupException("cannot format the Kafka storage in " + logDir + " (exit code " + rc + "): "
          + buffer.toString(StandardCharsets.UTF_8).trim());
    }
  }

  private static Properties readState(Path stateFile) {
    Properties p = new Properties();
    if (Files.exists(stateFile)) {
      try (Reader in = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
        p.load(in);
      } catch (IOException e) {
        throw new KafkaSetupException("cannot read " + stateFile + ": " + e, e);
      }
    }
    return p;
  }

  private static void writeProperties(Path file, Properties props, String comment) {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      props.store(out, comment);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  private static void shutdownQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException ignored) {
      // The start failure is what matters.
    }
  }

  private static void awaitReady(String bootstrap, Duration timeout, Path dataDir) {
    long deadline = System.nanoTime() + timeout.toNanos();
    @Nullable Exception last = null;
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaSetupException("interrupted while waiting for Kafka on " + bootstrap, e);
    }
    throw new KafkaSetupException("Kafka on " + bootstrap + " did not answer within "
        + timeout.toSeconds() + " s (data in " + dataDir + ")", last);
  }

  /** Returns the {@code bootstrap.servers} value for clients, such as {@code 127.0.0.1:9092}. */
  public String bootstrapServers() {
    return bootstrapServers(host, port);
  }

  private static String bootstrapServers(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Returns the address both listeners are bound to. */
  public String host() {
    return host;
  }

  /** Returns the client port. */
  public int port() {
    return port;
  }

  /** Returns the KRaft controller port. */
  public int controllerPort() {
    return controllerPort;
  }

  /** Returns the data folder, absolute. */
  public Path dataDir() {
    return dataDir;
  }

  /** Returns whether this start formatted the storage, that is, whether the data folder was new. */
  public boolean formatted() {
    return formatted;
  }

  /** Returns how long {@code start} took, from the call until the broker answered. */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * Returns a new admin client of this broker, which the caller closes.
   *
   * @return an admin client
   */
  public Admin createAdmin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /**
   * Creates the given topics that do not exist yet on this broker.
   *
   * @param topics the topics
   * @return the topics created and those left alone
   * @throws KafkaSetupException if the broker refuses a topic
   */
  public TopicCreation createTopics(Topics topics) {
    try (Admin admin = createAdmin()) {
      return topics.create(admin);
    }
  }

  /** Shuts the broker down and waits until it has stopped; does nothing the second time. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.shutdown();
      server.awaitShutdown();
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers() + ", data in " + dataDir + "]";
  }
}
