package io.circuitstream.testing;

import io.circuitstream.data.DataFetcher;
import io.circuitstream.data.DebianPackages;
import io.circuitstream.data.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Tools the tests take from Debian's packages without installing them: {@code promtool} and the
 * {@code prometheus} server (package {@code prometheus}), and {@code kcat} (packages {@code kcat},
 * {@code librdkafka1}, {@code libyajl2}).
 *
 * <p>Each package is fetched on first use into {@code <data>/tools/<package>/} (git-ignored) by
 * {@link DebianPackages#unpacked}: locked across test JVMs and idempotent, so it is downloaded once
 * per machine. Where apt-get is unavailable the tests fail with a message saying what to install and
 * where to put the files.
 */
public final class DebianTools {

  private static final String PROMTOOL = "usr/bin/promtool";
  private static final String PROMETHEUS = "usr/bin/prometheus";
  private static final String KCAT = "usr/bin/kcat";

  private DebianTools() {}

  /** Returns the cache folder of the tools: {@code <data directory>/tools}. */
  public static Path cache() {
    return DataFetcher.defaultDirectory().resolve("tools");
  }

  /** Returns the {@code promtool} binary, fetching the package if needed. */
  public static Path promtool() {
    return prometheusHome().resolve(PROMTOOL);
  }

  /** Returns the {@code prometheus} server binary, fetching the package if needed. */
  public static Path prometheus() {
    return prometheusHome().resolve(PROMETHEUS);
  }

  /**
   * Runs {@code promtool} with the given arguments.
   *
   * @param work the working folder (relative paths in the arguments are resolved there)
   * @param stdin a file for its standard input, or {@code null}
   * @param args the arguments, such as {@code check}, {@code rules}, {@code alerts.yml}
   * @return the exit code and the output, whatever the exit code
   */
  public static ExternalCommand.Result promtool(Path work, @Nullable Path stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(promtool().toString()));
    command.addAll(List.of(args));
    return run(work, stdin, Duration.ofMinutes(2), command);
  }

  /**
   * Runs {@code kcat} (librdkafka's command-line client) with the given arguments.
   *
   * @param work the working folder
   * @param stdin a file for its standard input (the records to produce), or {@code null}
   * @param timeout how long it may run
   * @param args the arguments, such as {@code -C -b HOST:PORT -t TOPIC}
   * @return the exit code and the output, whatever the exit code
   */
  public static ExternalCommand.Result kcat(Path work, @Nullable Path stdin, Duration timeout, String... args) {
    String libraries = "usr/lib/" + multiarch();
    Path tools = cache().toAbsolutePath();
    String hint = "Elsewhere, build or install kcat 1.7 with librdkafka 2 and copy kcat into " + tools.resolve("kcat")
        .resolve("usr/bin") + "/, librdkafka.so.1 into " + tools.resolve("librdkafka1").resolve(libraries)
        + "/ and libyajl.so.2 into " + tools.resolve("libyajl2").resolve(libraries) + "/.";
    Path rdkafka = DebianPackages.unpacked(cache(), "librdkafka1", List.of(libraries + "/librdkafka.so.1"), hint,
        System.err::println);
    Path yajl = DebianPackages.unpacked(cache(), "libyajl2", List.of(libraries + "/libyajl.so.2"), hint,
        System.err::println);
    Path kcat = DebianPackages.unpacked(cache(), "kcat", List.of(KCAT), hint, System.err::println);
    List<String> command = new ArrayList<>(List.of("env",
        "LD_LIBRARY_PATH=" + rdkafka.resolve(libraries) + ":" + yajl.resolve(libraries),
        kcat.resolve(KCAT).toString()));
    command.addAll(List.of(args));
    return run(work, stdin, timeout, command);
  }

  private static Path prometheusHome() {
    String hint = "Elsewhere, install Prometheus 2.42 or later (https://prometheus.io/download/) and copy its"
        + " prometheus and promtool binaries into " + cache().toAbsolutePath().resolve("prometheus/usr/bin") + "/.";
    return DebianPackages.unpacked(cache(), "prometheus", List.of(PROMTOOL, PROMETHEUS), hint, System.err::println);
  }

  /** Debian's folder name for this machine's libraries, such as {@code x86_64-linux-gnu}. */
  private static String multiarch() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> "x86_64-linux-gnu";
      case "aarch64", "arm64" -> "aarch64-linux-gnu";
      default -> throw new IllegalStateException("no Debian library folder known for the architecture " + arch);
    };
  }

  private static ExternalCommand.Result run(Path work, @Nullable Path stdin, Duration timeout, List<String> command) {
    try {
      return ExternalCommand.run(work, stdin, timeout, "", command.toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
