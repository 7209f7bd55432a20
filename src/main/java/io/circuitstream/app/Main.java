package io.circuitstream.app;

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
    return new CommandLine(new Main());
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
