package io.circuitstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {

  @Test
  void shippedPropertiesFileDocumentsExactlyTheKnownKeysWithTheirDefaults() throws Exception {
    Properties p = new Properties();
    p.load(new StringReader(Files.readString(Path.of("config/application.properties"))));
    assertThat(p.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(ServiceConfig.DEFAULTS.keySet());
    ServiceConfig.DEFAULTS.forEach((k, v) -> assertThat(p.getProperty(k).trim()).as(k).isEqualTo(v));
  }

  @Test
  void environmentOverridesTheFileAndExplicitValuesOverrideBoth(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("app.properties");
    Files.writeString(file, "pipeline.batch.max-size=64\nadmin.port=9000\n");
    ServiceConfig c = ServiceConfig.load(file,
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9092", "ADMIN_PORT", "9100", "CIRCUITSTREAM_ADMIN_TOKEN", "s3cret"),
        Map.of("admin.port", "9200"));
    assertThat(c.string("kafka.bootstrap.servers")).isEqualTo("broker:9092");
    assertThat(c.integer("pipeline.batch.max-size")).isEqualTo(64);
    assertThat(c.integer("admin.port")).isEqualTo(9200);
    assertThat(c.string("admin.token")).isEqualTo("s3cret");
    assertThat(c.describe().get("admin.token")).isEqualTo("(set)");
    assertThat(ServiceConfig.envName("pipeline.batch.max-wait-ms")).isEqualTo("PIPELINE_BATCH_MAX_WAIT_MS");
  }

  @Test
  void unknownKeysAndBadValuesAreRejectedWithTheKeyName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("app.properties");
    Files.writeString(file, "pipeline.batch.maxsize=64\n");
    assertThatThrownBy(() -> ServiceConfig.load(file, Map.of(), Map.of()))
        .hasMessageContaining("unknown configuration key 'pipeline.batch.maxsize'");
    assertThatThrownBy(() -> ServiceConfig.load(null, Map.of(), Map.of("kafka.delivery", "maybe")))
        .hasMessageContaining("kafka.delivery must be at-least-once or exactly-once");
    assertThatThrownBy(() -> ServiceConfig.load(null, Map.of("PIPELINE_BATCH_MAX_SIZE", "lots"), Map.of()))
        .hasMessageContaining("pipeline.batch.max-size must be an integer, got 'lots'");
    assertThatThrownBy(() -> ServiceConfig.load(null, Map.of("ENGINE_PRECISION", "float16"), Map.of()))
        .hasMessageContaining("engine.precision (ENGINE_PRECISION): precision must be float32 or float64, got 'float16'");
    assertThatThrownBy(() -> ServiceConfig.load(dir.resolve("none.properties"), Map.of(), Map.of()))
        .hasMessageContaining("does not exist");
  }

  @Test
  void fineTuningSettingsComeFromTheFinetuneKeysAndTheirEnvironmentVariables() {
    ServiceConfig c = ServiceConfig.load(null,
        Map.of("FINETUNE_MARGIN", "0.02", "FINETUNE_TRIGGER_EVERY_IMAGES", "500", "FINETUNE_ENABLED", "false"),
        Map.of("finetune.steps", "80"));

    assertThat(c.bool("finetune.enabled")).isFalse();
    assertThat(c.fineTune().margin()).isEqualTo(0.02);
    assertThat(c.fineTune().everyImages()).isEqualTo(500);
    assertThat(c.fineTune().steps()).isEqualTo(80);
    assertThat(c.fineTune().lambda()).isEqualTo(0.5);
    assertThat(c.fineTune().bufferCapacity()).isEqualTo(10_000);
    assertThatThrownBy(() -> ServiceConfig.load(null, Map.of(), Map.of("finetune.margin", "lots")))
        .hasMessageContaining("finetune.margin must be a number, got 'lots'");
    assertThatThrownBy(() -> ServiceConfig.load(null, Map.of(), Map.of("finetune.lambda", "1.5")))
        .hasMessageContaining("lambda must be in [0, 1]");
    assertThatThrownBy(() -> ServiceConfig.load(null, Map.of(), Map.of("finetune.enabled", "yes")))
        .hasMessageContaining("finetune.enabled must be true or false");
  }
}
