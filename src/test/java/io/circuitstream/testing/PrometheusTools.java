package io.circuitstream.testing;

import io.circuitstream.data.DataFetcher;
import io.circuitstream.data.DebianPackages;
import io.circuitstream.data.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code prometheus} server and {@code promtool} binaries of Debian's {@code prometheus} package,
 * fetched on first use into {@code <data>/tools/prometheus/} (git-ignored) without installing them.
 *
 * <p>The fetch is {@link DebianPackages#unpacked}: locked across test JVMs and idempotent, so the
 * package is downloaded once per machine. Where apt-get is unavailable the tests fail with a message
 * saying what to install and where to put the two binaries.
 */
public final class PrometheusTools {

  /** The Debian package (version 2.42 on Debian 12). */
  public static final String PACKAGE = "prometheus";

  private static final String PROMTOOL = "usr/bin/promtool";
  private static final String SERVER = "usr/bin/prometheus";

  private PrometheusTools() {}

  /** Returns the cache folder of the tools the tests fetch: {@code <data directory>/tools}. */
  public static Path cache() {
    return DataFetcher.defaultDirectory().resolve("tools");
  }

  /** Returns the {@code promtool} binary, fetching the package if needed. */
  public static Path promtool() {
    return home().resolve(PROMTOOL);
  }

  /** Returns the {@code prometheus} server binary, fetching the package if needed. */
  public static Path server() {
    return home().resolve(SERVER);
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
    String[] command = new String[args.length + 1];
    command[0] = promtool().toString();
    System.arraycopy(args, 0, command, 1, args.length);
    try {
      return ExternalCommand.run(work, stdin, Duration.ofMinutes(2), "", command);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path home() {
    Path cache = cache();
    String hint = "Elsewhere, install Prometheus 2.42 or later (https://prometheus.io/download/) and copy its"
        + " prometheus and promtool binaries into " + cache.toAbsolutePath().resolve(PACKAGE).resolve("usr/bin")
        + "/.";
    return DebianPackages.unpacked(cache, PACKAGE, List.of(PROMTOOL, SERVER), hint, System.err::println);
  }
}
