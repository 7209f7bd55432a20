package io.circuitstream.app;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command-line entry point of circuitstream.
 *
 * <p>Each subcommand is its own class in this package; this class only wires them together.
 */
@Command(
    name = "circuitstream",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Classify streaming images with probabilistic circuits.",
    subcommands = {DemoCommand.class, ServeCommand.class, BrokerCommand.class, ProduceCommand.class, LoadCommand.class, DataCommand.class,
        TrainCommand.class, EvaluateCommand.class, ReproduceCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Returns the configured command line, for tests and embedding. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    CommandLine.IExecutionExceptionHandler fallback = cl.getExecutionExceptionHandler();
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      String why = backendProblem(e);
      if (why == null) {
        return fallback.handleExecutionException(e, line, parsed);
      }
      line.getErr().println(line.getCommandName() + ": " + why);
      return 3;
    });
    return cl;
  }

  /**
   * Explains a failure to start ND4J's backend (typically a {@code -Pcuda} build on a machine without
   * the NVIDIA driver or the CUDA 11.6 runtime), or returns null for any other failure.
   */
  static @Nullable String backendProblem(Throwable e) {
    boolean noBackend = false;
    String link = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      noBackend |= t.getClass().getName().endsWith("NoAvailableBackendException");
      if (t instanceof UnsatisfiedLinkError && link == null) {
        link = t.getMessage();
      }
    }
    if (!noBackend) {
      return null;
    }
    return "ND4J could not start its backend" + (link != null ? " (" + link + ")" : "") + ". A jar built with "
        + "-Pcuda needs an NVIDIA driver (libcuda.so.1) and the CUDA 11.6 runtime libraries on the library path; "
        + "on a machine without them, build without -Pcuda (mvn -B package) to use the CPU backend.";
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"circuitstream " + (v == null ? "(development build)" : v)};
    }
  }
}
