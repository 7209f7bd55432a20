package io.circuitstream.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.model.ModelFiles;
import io.circuitstream.stream.message.ImageMessage;
import io.circuitstream.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelServiceTest {

  private static List<ImageMessage> images(int n) {
    List<ImageMessage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] px = new int[784];
      for (int j = 0; j < 784; j++) {
        px[j] = (i * 31 + j * 7) % 256;
      }
      out.add(new ImageMessage("img-" + i, 28, 28, px, null, null));
    }
    return out;
  }

  @Test
  void registeringTheSameFileTwiceKeepsOneVersion(@TempDir Path dir) {
    ModelStore store = new ModelStore(dir.resolve("store"));
    Path file = dir.resolve("m.cstrm");
    ModelFiles.write(TestModels.untrained(1, 2.0), file);
    assertThat(store.register(file)).isEqualTo("v0001");
    assertThat(store.register(file)).isEqualTo("v0001");
    ModelFiles.write(TestModels.untrained(2, 2.0), file);
    assertThat(store.register(file)).isEqualTo("v0002");
    assertThat(store.versions()).containsExactly("v0001", "v0002");
  }

  @Test
  void failedLoadKeepsTheOldModelServingAndSaysWhy(@TempDir Path dir) throws Exception {
    ModelStore store = new ModelStore(dir);
    String v1 = store.add(TestModels.untrained(1, 2.0));
    String v2 = store.add(TestModels.untrained(2, 2.0));
    byte[] bytes = Files.readAllBytes(store.file(v2));
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(store.file(v2), bytes);
    List<SwapResult> seen = new CopyOnWriteArrayList<>();
    try (ModelService service = new ModelService(store, 16, 1, 784, seen::add)) {
      assertThat(service.activate(v1).outcome()).isEqualTo(SwapResult.Outcome.SWAPPED);
      SwapResult bad = service.activate(v2);
      assertThat(bad.outcome()).isEqualTo(SwapResult.Outcome.LOAD_FAILED);
      assertThat(bad.message()).contains("damaged", v1 + " keeps serving");
      assertThat(service.activeVersion()).contains(v1);
      assertThat(service.score(images(3)).version()).isEqualTo(v1);
      assertThat(service.activate("v0042").outcome()).isEqualTo(SwapResult.Outcome.UNKNOWN_VERSION);
      assertThat(service.activate(v1).outcome()).isEqualTo(SwapResult.Outcome.ALREADY_ACTIVE);
      assertThat(seen).extracting(SwapResult::outcome).containsExactly(SwapResult.Outcome.SWAPPED,
          SwapResult.Outcome.LOAD_FAILED, SwapResult.Outcome.UNKNOWN_VERSION, SwapResult.Outcome.ALREADY_ACTIVE);
      assertThat(service.list()).extracting(ModelInfo::version).containsExactly(v1, v2);
      assertThat(service.list().get(1).problem()).contains("damaged");
      assertThat(service.list().get(0).problem()).isNull();
      assertThat(service.list().get(0).active()).isTrue();
    }
  }

  @Test
  void swapsUnderLoadNeverSplitABatchBetweenVersions(@TempDir Path dir) throws Exception {
    ModelStore store = new ModelStore(dir);
    String v1 = store.add(TestModels.untrained(1, 2.0));
    String v2 = store.add(TestModels.untrained(2, 2.0));
    Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
    List<ImageMessage> batch = images(20); // larger than the evaluator's 8: scored in 3 chunks
    java.util.Map<String, double[]> expected = new java.util.HashMap<>();
    for (String v : List.of(v1, v2)) {
      try (ModelService alone = new ModelService(store, 8, 1, 784, r -> { })) {
        alone.activate(v);
        expected.put(v, alone.score(batch).images().stream().mapToDouble(ScoredImage::logLikelihood).toArray());
      }
    }
    assertThat(expected.get(v1)).isNotEqualTo(expected.get(v2));
    try (ModelService service = new ModelService(store, 8, 1, 784, r -> { })) {
      service.activate(v1);
      AtomicBoolean stop = new AtomicBoolean();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      Thread scorer = new Thread(() -> {
        while (!stop.get()) {
          try {
            ScoredBatch b = service.score(batch);
            versionsSeen.add(b.version());
            // Every chunk of the batch was scored by the version the batch reports.
            assertThat(b.images().stream().mapToDouble(ScoredImage::logLikelihood).toArray())
                .containsExactly(expected.get(b.version()));
          } catch (Throwable t) {
            errors.add(t);
            return;
          }
        }
      });
      scorer.start();
      for (int i = 0; i < 6; i++) {
        service.activate(i % 2 == 0 ? v2 : v1);
        Thread.sleep(30);
      }
      stop.set(true);
      scorer.join();
      assertThat(errors).isEmpty();
      assertThat(versionsSeen).containsExactlyInAnyOrder(v1, v2);
    }
  }
}
