package io.circuitstream.stream.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.circuitstream.stream.message.ModelAnnouncement;
import io.circuitstream.stream.message.ModelAnnouncement.Action;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelAnnouncementCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHA = "ab".repeat(32);

  @Test
  void theRecordHasExactlyTheAgreedFieldsInOrderAndReadsBack() throws Exception {
    ModelAnnouncement a = new ModelAnnouncement("v0007", SHA, "/srv/store/v0007.cstrm", "v0006",
        "2026-11-28T12:00:00Z", Action.PROMOTE);

    byte[] json = OutputCodecs.announcementJson(a);
    JsonNode tree = JSON.readTree(json);

    List<String> names = new ArrayList<>();
    tree.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("version", "sha256", "location", "parent", "activatedAt", "action");
    assertThat(tree.get("action").asText()).isEqualTo("promote");
    assertThat(OutputCodecs.parseAnnouncement(json)).isEqualTo(a);
  }

  @Test
  void aModelTrainedFromScratchHasANullParent() throws Exception {
    ModelAnnouncement a = new ModelAnnouncement("v0001", SHA, "file:///srv/store/v0001.cstrm", null,
        "2026-11-28T12:00:00+01:00", Action.ACTIVATE);

    byte[] json = OutputCodecs.announcementJson(a);

    assertThat(JSON.readTree(json).get("parent").isNull()).isTrue();
    assertThat(JSON.readTree(json).get("action").asText()).isEqualTo("activate");
    assertThat(OutputCodecs.parseAnnouncement(json)).isEqualTo(a);
  }

  @Test
  void malformedRecordsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> parse("{\"version\":\"v1\",\"sha256\":\"xyz\",\"location\":\"/a\",\"parent\":null,"
        + "\"activatedAt\":\"2026-11-28T12:00:00Z\",\"action\":\"promote\"}")).hasMessageContaining("sha256");
    assertThatThrownBy(() -> parse("{\"version\":\"v1\",\"sha256\":\"" + SHA + "\",\"location\":\"/a\","
        + "\"activatedAt\":\"2026-11-28T12:00:00Z\",\"action\":\"promote\"}")).hasMessageContaining("\"parent\"");
    assertThatThrownBy(() -> parse("{\"version\":\"v1\",\"sha256\":\"" + SHA + "\",\"location\":\"/a\",\"parent\":7,"
        + "\"activatedAt\":\"2026-11-28T12:00:00Z\",\"action\":\"promote\"}")).hasMessageContaining("parent");
    assertThatThrownBy(() -> parse("{\"version\":\"v1\",\"sha256\":\"" + SHA + "\",\"location\":\"/a\",\"parent\":null,"
        + "\"activatedAt\":\"yesterday\",\"action\":\"promote\"}")).hasMessageContaining("activatedAt");
    assertThatThrownBy(() -> parse("{\"version\":\"v1\",\"sha256\":\"" + SHA + "\",\"location\":\"/a\",\"parent\":null,"
        + "\"activatedAt\":\"2026-11-28T12:00:00Z\",\"action\":\"delete\"}")).hasMessageContaining("action");
  }

  private static ModelAnnouncement parse(String json) {
    return OutputCodecs.parseAnnouncement(json.getBytes(StandardCharsets.UTF_8));
  }
}
