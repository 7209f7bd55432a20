package io.circuitstream.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.circuitstream.model.Model;
import io.circuitstream.model.Provenance;
import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.stream.message.ModelAnnouncement.Action;
import io.circuitstream.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two instances' model services joined by a list standing in for the models topic. */
class ModelFleetTest {
  private final List<ModelAnnouncement> topic = new CopyOnWriteArrayList<>();
  private final List<SwapResult> failures = new CopyOnWriteArrayList<>();
  private final List<ModelAnnouncement> served = new CopyOnWriteArrayList<>();

  private ModelFleet fleet(ModelService models) {
    return new ModelFleet(models, topic::add, failures::add, served::add);
  }

  private static Model child(long seed, String parent) {
    Model m = TestModels.untrained(seed, 2.0);
    Provenance p = m.provenance();
    return new Model(m.spec(), m.parameters(), m.logPrior(), m.ood(), new Provenance(p.lambda(), p.seed(), p.data(),
        p.codeVersion(), p.createdAt(), parent, Map.of(), Map.of()));
  }

  @Test
  void aPromotionIsStoredServedAndAnnouncedAndAnotherInstanceCopiesItInAndSwaps(@TempDir Path dir) {
    ModelStore storeA = new ModelStore(dir.resolve("a"));
    ModelStore storeB = new ModelStore(dir.resolve("b"));
    Model base = TestModels.untrained(1, 2.0);
    storeA.add(base);
    storeB.add(base);
    try (ModelService a = new ModelService(storeA, 8, 1, 784, r -> { });
         ModelService b = new ModelService(storeB, 8, 1, 784, r -> { })) {
      a.activate("v0001");
      b.activate("v0001");
      ModelFleet fleetA = fleet(a);
      ModelFleet fleetB = fleet(b);

      SwapResult promoted = fleetA.promote(child(2, "v0001"));

      assertThat(promoted.outcome()).isEqualTo(SwapResult.Outcome.SWAPPED);
      assertThat(promoted.message()).contains("announced as promote");
      ModelAnnouncement a2 = topic.get(0);
      assertThat(a2.version()).isEqualTo("v0002");
      assertThat(a2.parent()).isEqualTo("v0001");
      assertThat(a2.action()).isEqualTo(Action.PROMOTE);
      assertThat(a2.sha256()).isEqualTo(storeA.sha256("v0002"));
      assertThat(Path.of(a2.location())).isEqualTo(storeA.file("v0002").toAbsolutePath());

      assertThat(fleetB.apply(a2).outcome()).isEqualTo(SwapResult.Outcome.SWAPPED);
      assertThat(b.activeVersion()).contains("v0002");
      assertThat(storeB.sha256("v0002")).isEqualTo(a2.sha256());
      assertThat(fleetA.apply(a2).outcome()).as("the promoting instance already serves it")
          .isEqualTo(SwapResult.Outcome.ALREADY_ACTIVE);
      assertThat(served).extracting(ModelAnnouncement::version).containsExactly("v0002", "v0002");
    }
  }

  @Test
  void anActivationIsAnnouncedSoThatARollbackReachesTheFleet(@TempDir Path dir) {
    ModelStore store = new ModelStore(dir);
    store.add(TestModels.untrained(1, 2.0));
    store.add(child(2, "v0001"));
    try (ModelService models = new ModelService(store, 8, 1, 784, r -> { })) {
      models.activate("v0002");

      SwapResult r = fleet(models).activate("v0001");

      assertThat(r.outcome()).isEqualTo(SwapResult.Outcome.SWAPPED);
      assertThat(topic).singleElement().satisfies(a -> {
        assertThat(a.version()).isEqualTo("v0001");
        assertThat(a.action()).isEqualTo(Action.ACTIVATE);
        assertThat(a.parent()).isNull();
      });
      assertThat(fleet(models).activate("v0009").outcome()).isEqualTo(SwapResult.Outcome.UNKNOWN_VERSION);
      assertThat(topic).hasSize(1);
    }
  }

  @Test
  void anAnnouncedFileWithAnotherChecksumIsRefusedAndTheCurrentModelKeepsServing(@TempDir Path dir)
      throws Exception {
    ModelStore other = new ModelStore(dir.resolve("other"));
    other.add(TestModels.untrained(1, 2.0));
    other.add(TestModels.untrained(3, 2.0));
    ModelStore store = new ModelStore(dir.resolve("mine"));
    store.add(TestModels.untrained(1, 2.0));
    try (ModelService models = new ModelService(store, 8, 1, 784, r -> { })) {
      models.activate("v0001");
      ModelAnnouncement lying = new ModelAnnouncement("v0002", "0".repeat(64), other.file("v0002").toString(), null,
          "2026-11-28T12:00:00Z", Action.ACTIVATE);
      ModelAnnouncement missing = new ModelAnnouncement("v0003", "0".repeat(64),
          dir.resolve("nowhere.cstrm").toUri().toString(), null, "2026-11-28T12:00:00Z", Action.ACTIVATE);

      SwapResult r = fleet(models).apply(lying);
      SwapResult gone = fleet(models).apply(missing);

      assertThat(r.outcome()).isEqualTo(SwapResult.Outcome.LOAD_FAILED);
      assertThat(r.message()).contains("SHA-256", "v0001 keeps serving");
      assertThat(gone.outcome()).isEqualTo(SwapResult.Outcome.LOAD_FAILED);
      assertThat(failures).hasSize(2);
      assertThat(models.activeVersion()).contains("v0001");
      assertThat(store.versions()).containsExactly("v0001");
      try (var files = Files.list(store.directory())) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("v0001.cstrm");
      }
    }
  }
}
