package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.data.Corpus;
import io.circuitstream.data.DataFetcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void fetchListsEveryFileWithItsSizeAndStatus() {
    Path dir = DataFetcher.defaultDirectory().toAbsolutePath();

    int exit = execute("fetch", "--dir", dir.toString());

    assertThat(exit).as(err.toString()).isZero();
    for (Corpus corpus : Corpus.values()) {
      for (String name : corpus.fileNames()) {
        assertThat(out.toString()).containsPattern(
            corpus.directoryName() + "/" + name + " +\\d+ bytes  (already present|fetched)");
      }
    }
    assertThat(out.toString()).contains("All files verified in " + dir.normalize());
  }

  @Test
  void fetchFailsWithAClearMessageWhenTheFolderCannotBeCreated(@TempDir Path tmp)
      throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "");

    int exit = execute("fetch", "--dir", file.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("data fetch failed: " + file.resolve("mnist") + ": cannot create");
  }

  @Test
  void dataWithoutSubcommandPrintsUsage() {
    assertThat(execute()).isZero();
    assertThat(out.toString()).contains("Usage: data").contains("fetch");
  }

  private int execute(String... args) {
    CommandLine cli = new CommandLine(new DataCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
