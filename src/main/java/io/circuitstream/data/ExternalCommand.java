package io.circuitstream.data;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs an external tool (npm, apt-get, dpkg, promtool, ...) and captures its exit code and output.
 *
 * <p>The output goes to a log file in the work folder rather than a pipe, so a chatty tool never
 * blocks; the file is deleted once read. Standard input is closed (a prompt fails instead of
 * hanging) unless a file is given for it. A tool that cannot be started is reported as a {@link
 * DataException} naming it and quoting the caller's advice on how to install it.
 */
public final class ExternalCommand {

  /** How long a tool may run unless the caller says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private ExternalCommand() {}

  /**
   * The outcome of one external command.
   *
   * @param command the command line, words joined by spaces
   * @param exitCode the tool's exit status
   * @param output standard output and standard error, interleaved
   */
  public record Result(String command, int exitCode, String output) {

    /** Checks that the fields are present. */
    public Result {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(output, "output");
    }

    /** Returns whether the tool exited with status 0. */
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** Returns one line saying that the command failed, with its exit code and output. */
    public String failure() {
      return command + " failed with exit code " + exitCode + ": " + output.strip() + "\n";
    }
  }

  /**
   * Runs a command with its standard input closed and the default timeout.
   *
   * @param work the working folder; the output log is written there
   * @param hint what to install when the tool is missing, appended to that error
   * @param command the tool and its arguments
   * @return the exit code and output, whatever the exit code
   * @throws DataException if the tool cannot be started, times out or the thread is interrupted
   * @throws IOException if the log file cannot be written or read
   */
  public static Result run(Path work, String hint, String... command) throws IOException {
    return run(work, null, DEFAULT_TIMEOUT, hint, command);
  }

  /**
   * Runs a command.
   *
   * @param work the working folder; the output log is written there
   * @param stdin a file to feed to the tool's standard input, or {@code null} to close it
   * @param timeout how long the tool may run before it is killed
   * @param hint what to install when the tool is missing, appended to that error
   * @param command the tool and its arguments
   * @return the exit code and output, whatever the exit code
   * @throws DataException if the tool cannot be started, times out or the thread is interrupted
   * @throws IOException if the log file cannot be written or read
   */
  public static Result run(Path work, @Nullable Path stdin, Duration timeout, String hint, String... command)
      throws IOException {
    if (command.length == 0) {
      throw new IllegalArgumentException("command must name a tool");
    }
    String tool = Path.of(command[0]).getFileName().toString();
    String line = String.join(" ", command);
    Path log = Files.createTempFile(work, tool, ".log");
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(work.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      if (stdin != null) {
        builder.redirectInput(stdin.toFile());
      }
      process = builder.start();
      if (stdin == null) {
        process.getOutputStream().close(); // no input: a prompt fails instead of hanging
      }
    } catch (IOException e) {
      Files.deleteIfExists(log);
      throw new DataException(command[0] + " is needed but cannot be run (" + e.getMessage() + "). "
          + hint, e);
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        String limit = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
        process.waitFor(5, TimeUnit.SECONDS);
        String soFar = Files.readString(log, UTF_8).strip();
        Files.deleteIfExists(log);
        throw new DataException(line + " did not finish within " + limit + "; output so far: " + soFar);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DataException(line + ": interrupted", e);
    }
    String output = Files.readString(log, UTF_8);
    Files.delete(log);
    return new Result(line, process.exitValue(), output);
  }

  /**
   * Runs a command and fails unless it exits with status 0.
   *
   * @param work the working folder
   * @param hint what to install or do, appended to every error
   * @param command the tool and its arguments
   * @return the successful result
   * @throws DataException if the tool cannot be run or exits with another status, with its output
   * @throws IOException if the log file cannot be written or read
   */
  public static Result runOrFail(Path work, String hint, String... command) throws IOException {
    Result result = run(work, hint, command);
    if (!result.succeeded()) {
      throw new DataException(result.failure() + hint);
    }
    return result;
  }
}
