package io.circuitstream.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Loads the real corpora through the fetcher, fetching them first if the cache lacks them. */
class DatasetsTest {

  static Stream<Arguments> splits() {
    return Stream.of(
        Arguments.of("mnist train", (Supplier<ImageSet>) Datasets::mnistTrain, 60_000, 5),
        Arguments.of("mnist test", (Supplier<ImageSet>) Datasets::mnistTest, 10_000, 7),
        Arguments.of("fashion train", (Supplier<ImageSet>) Datasets::fashionTrain, 60_000, 9),
        Arguments.of("fashion test", (Supplier<ImageSet>) Datasets::fashionTest, 10_000, 9));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("splits")
  void loadsTwentyEightByTwentyEightImagesWithTenBalancedClasses(
      String name, Supplier<ImageSet> load, int size, int firstLabel) {
    ImageSet set = load.get();

    assertThat(set.size()).isEqualTo(size);
    assertThat(set.rows()).isEqualTo(28);
    assertThat(set.cols()).isEqualTo(28);
    assertThat(set.label(0)).isEqualTo(firstLabel);
    int[] counts = new int[256];
    for (int i = 0; i < set.size(); i++) {
      counts[set.label(i)]++;
    }
    assertThat(IntStream.range(10, 256).map(c -> counts[c]).sum()).isZero();
    assertThat(IntStream.range(0, 10).map(c -> counts[c]).min().orElseThrow())
        .isGreaterThan(size / 20);
    int maxPixel = IntStream.range(0, set.pixels().length).map(j -> set.pixels()[j] & 0xFF)
        .max().orElseThrow();
    assertThat(maxPixel).isEqualTo(255);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("splits")
  void repeatedLoadsReturnTheCachedSet(String name, Supplier<ImageSet> load) {
    assertThat(load.get()).isSameAs(load.get());
  }
}
