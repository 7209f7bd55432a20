package io.circuitstream.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacks the real {@code prometheus} package: these tests need apt-get, dpkg and the network. */
class DebianPackagesTest {

  private static final List<String> BINARIES = List.of("usr/bin/promtool", "usr/bin/prometheus");

  private final List<String> progress = Collections.synchronizedList(new ArrayList<>());

  @Test
  void filesPlacedByHandAreUsedWithoutRunningATool(@TempDir Path cache) throws IOException {
    Path promtool = cache.resolve("prometheus/usr/bin/promtool");
    Files.createDirectories(promtool.getParent());
    Files.writeString(promtool, "placed by hand");

    Path home = DebianPackages.unpacked(cache, "prometheus", List.of("usr/bin/promtool"), "", progress::add);

    assertThat(home).isEqualTo(cache.resolve("prometheus"));
    assertThat(Files.readString(promtool)).isEqualTo("placed by hand");
    assertThat(progress).isEmpty();
  }

  @Test
  void concurrentFetchesReplaceAnIncompleteFolderOnceAndLaterOnesRunNoTool(@TempDir Path cache)
      throws Exception {
    Files.createDirectories(cache.resolve("prometheus/usr/bin"));
    Files.writeString(cache.resolve("prometheus/usr/bin/junk"), "left by an old fetch");
    Files.createDirectories(cache.resolve(".fetch-prometheus-stale/deb"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Path> homes = new ArrayList<>();
    try {
      Future<Path> a = pool.submit(() -> DebianPackages.unpacked(cache, "prometheus", BINARIES, "", progress::add));
      Future<Path> b = pool.submit(() -> DebianPackages.unpacked(cache, "prometheus", BINARIES, "", progress::add));
      homes.add(a.get());
      homes.add(b.get());
    } finally {
      pool.shutdownNow();
    }

    assertThat(homes).containsOnly(cache.resolve("prometheus"));
    assertThat(progress).filteredOn(line -> line.contains("running apt-get download prometheus")).hasSize(1);
    assertThat(progress).filteredOn(line -> line.contains(": incomplete (no usr/bin/promtool, usr/bin/prometheus)"))
        .hasSize(1);
    assertThat(progress).anyMatch(line -> line.endsWith(".fetch-prometheus-stale: removing the leftovers of an interrupted fetch"));
    Path promtool = cache.resolve("prometheus/usr/bin/promtool");
    assertThat(Files.isExecutable(promtool)).isTrue();
    assertThat(cache.resolve("prometheus/usr/bin/junk")).doesNotExist();
    assertThat(ExternalCommand.run(cache, "", promtool.toString(), "--version").output()).startsWith("promtool, version 2.");
    FileTime unpackedAt = Files.getLastModifiedTime(promtool);
    progress.clear();

    DebianPackages.unpacked(cache, "prometheus", BINARIES, "", progress::add);

    assertThat(progress).isEmpty();
    assertThat(Files.getLastModifiedTime(promtool)).isEqualTo(unpackedAt);
    try (Stream<Path> left = Files.list(cache)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(".lock", "prometheus");
    }
  }

  @Test
  void fileThePackageLacksIsNamedWithTheAdviceAndNothingIsCached(@TempDir Path cache) throws IOException {
    assertThatThrownBy(() -> DebianPackages.unpacked(cache, "prometheus", List.of("usr/bin/no-such-tool"),
        "Place it by hand.", progress::add))
        .isInstanceOf(DataException.class)
        .hasMessage("the Debian package prometheus does not contain usr/bin/no-such-tool. Place it by hand.");

    try (Stream<Path> left = Files.list(cache)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly(".lock");
    }
  }
}
