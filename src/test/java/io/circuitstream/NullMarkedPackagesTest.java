package io.circuitstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every package of the main code declares its nullness, so Kotlin and other callers see exact types. */
class NullMarkedPackagesTest {

  private static final Path MAIN = Path.of("src/main/java");

  @Test
  void everyMainPackageHasAPackageInfoThatIsNullMarked() throws IOException {
    List<Path> packages;
    try (Stream<Path> files = Files.walk(MAIN)) {
      packages = files.filter(p -> p.toString().endsWith(".java")).map(Path::getParent).distinct().sorted().toList();
    }

    assertThat(packages).hasSizeGreaterThan(10);
    for (Path folder : packages) {
      String name = MAIN.relativize(folder).toString().replace('/', '.');
      Path info = folder.resolve("package-info.java");
      assertThat(info).as("package-info.java of %s", name).exists();
      String text = Files.readString(info);
      assertThat(text).as(info.toString())
          .containsPattern("(?m)^@NullMarked\\s*\\npackage " + name.replace(".", "\\.") + ";")
          .contains("import org.jspecify.annotations.NullMarked;")
          .containsPattern("/\\*\\*\\s*(\\* )?\\w"); // a javadoc that says what the package is
    }
  }
}
