package io.circuitstream.app;

import io.circuitstream.data.Datasets;
import io.circuitstream.data.ImageSet;
import io.circuitstream.stream.message.ImageMessage;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;

/** Images to publish: MNIST, Fashion-MNIST or a folder of PNG files, optionally with missing pixels. */
final class ImageSource {
  private final String prefix;
  private final @Nullable ImageSet set;
  private final List<Path> files;
  private final double missingFraction;
  private final Random rnd;
  private int next;

  private ImageSource(String prefix, @Nullable ImageSet set, List<Path> files, double missingFraction, long seed) {
    this.prefix = prefix;
    this.set = set;
    this.files = files;
    this.missingFraction = missingFraction;
    this.rnd = new Random(seed);
  }

  /**
   * Opens a source by name.
   *
   * @param name {@code mnist-test}, {@code mnist-train}, {@code fashion-test} or a folder of PNG files
   * @throws IllegalArgumentException naming the valid sources
   */
  static ImageSource open(String name, double missingFraction, long seed) {
    if (!(missingFraction >= 0 && missingFraction < 1)) {
      throw new IllegalArgumentException("--missing-fraction must be in [0, 1), got " + missingFraction);
    }
    switch (name) {
      case "mnist-test":
        return new ImageSource("mnist-test-", Datasets.mnistTest(), List.of(), missingFraction, seed);
      case "mnist-train":
        return new ImageSource("mnist-train-", Datasets.mnistTrain(), List.of(), missingFraction, seed);
      case "fashion-test":
        return new ImageSource("fashion-test-", Datasets.fashionTest(), List.of(), missingFraction, seed);
      default:
        Path dir = Path.of(name);
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException("unknown source '" + name
              + "'; use mnist-test, mnist-train, fashion-test or a folder of PNG files");
        }
        try (Stream<Path> s = Files.list(dir)) {
          List<Path> pngs = new ArrayList<>(s.filter(p -> p.toString().toLowerCase().endsWith(".png")).sorted().toList());
          if (pngs.isEmpty()) {
            throw new IllegalArgumentException("folder " + dir + " has no .png files");
          }
          return new ImageSource("", null, pngs, missingFraction, seed);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
  }

  /** Returns the next image, cycling through the source; the true label is attached where known. */
  ImageMessage next() {
    ImageMessage m;
    if (set != null) {
      int i = next++ % set.size();
      int v = set.pixelsPerImage();
      int[] px = new int[v];
      for (int j = 0; j < v; j++) {
        px[j] = set.pixel(i, j);
      }
      m = new ImageMessage(prefix + i + "-" + (next - 1), set.cols(), set.rows(), px, null, set.label(i));
    } else {
      Path f = files.get(next++ % files.size());
      m = readPng(f);
    }
    if (missingFraction == 0) {
      return m;
    }
    boolean[] missing = new boolean[m.pixels().length];
    for (int j = 0; j < missing.length; j++) {
      missing[j] = rnd.nextDouble() < missingFraction;
    }
    return new ImageMessage(m.id(), m.width(), m.height(), m.pixels(), missing, m.label());
  }

  private static ImageMessage readPng(Path f) {
    try {
      BufferedImage img = ImageIO.read(f.toFile());
      if (img == null) {
        throw new IllegalArgumentException(f + " is not a readable PNG");
      }
      Raster r = img.getRaster();
      int[] px = new int[img.getWidth() * img.getHeight()];
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          px[y * img.getWidth() + x] = r.getSample(x, y, 0) & 0xff;
        }
      }
      String name = f.getFileName().toString();
      return new ImageMessage(name.substring(0, name.length() - 4), img.getWidth(), img.getHeight(), px, null, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
  }
}
