package io.circuitstream.app;

import io.circuitstream.model.ModelFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the streaming service until Ctrl-C (or {@code --duration}). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the service: classify images from Kafka, publish predictions and OOD alerts, serve the admin API.")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--model", description = "model file to register in the store and serve (default: the newest stored)")
  Path model;

  @Option(names = "--config", description = "properties file (default: config/application.properties when present)")
  Path config;

  @Option(names = "--set", description = "override one key, e.g. --set admin.port=8081 (repeatable)")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--duration", description = "stop after this many seconds (default: run until Ctrl-C)")
  long durationSeconds;

  @Override
  public Integer call() throws InterruptedException {
    ServiceConfig cfg;
    try {
      cfg = ServiceConfig.load(config, overrides);
    } catch (IllegalArgumentException e) {
      System.err.println("serve: " + e.getMessage());
      return 2;
    }
    Service service;
    try {
      service = Service.start(cfg, model, System.err);
    } catch (Service.NoModelException | ModelFileException | IllegalArgumentException | IllegalStateException e) {
      System.err.println("serve: " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      service.close();
    }, "serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.err.println("serve: running; Ctrl-C to stop");
    if (durationSeconds > 0) {
      stop.await(durationSeconds, java.util.concurrent.TimeUnit.SECONDS);
      Runtime.getRuntime().removeShutdownHook(hook);
      service.close();
    } else {
      stop.await();
    }
    return 0;
  }
}
