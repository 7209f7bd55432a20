package io.circuitstream.testing;

import io.circuitstream.data.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Runs a main class in a separate JVM with the test classpath: the service as its own process, or a
 * tool from the Kafka jars ({@code org.apache.kafka.tools.ConsoleProducer}, ...) exactly as
 * {@code kafka-console-producer.sh} runs it.
 */
public final class ChildJvm {

  /** JVM options for a short-lived tool: a small heap, a quick start (C1 only, serial GC). */
  public static final List<String> TOOL_OPTIONS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private ChildJvm() {}

  /**
   * Returns the command line that runs a main class in a new JVM.
   *
   * @param jvmOptions options before the class name, such as {@code -Xmx1g}
   * @param mainClass the class to run
   * @param args its arguments
   * @return {@code java -cp <test classpath> <options> <quiet logging> mainClass args...}
   */
  public static List<String> command(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path")));
    command.addAll(jvmOptions);
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  /**
   * Runs a main class to its end.
   *
   * @param work the working folder
   * @param stdin a file for its standard input, or {@code null}
   * @param timeout how long it may run before it is killed (which fails the call)
   * @param mainClass the class to run
   * @param args its arguments
   * @return its exit code and its output (standard output and error interleaved)
   */
  public static ExternalCommand.Result run(Path work, @Nullable Path stdin, Duration timeout, String mainClass,
      String... args) {
    try {
      return ExternalCommand.run(work, stdin, timeout, "", command(TOOL_OPTIONS, mainClass, List.of(args))
          .toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
