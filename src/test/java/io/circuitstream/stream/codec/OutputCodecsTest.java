package io.circuitstream.stream.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.circuitstream.stream.message.OodAlert;
import io.circuitstream.stream.message.Prediction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OutputCodecsTest {

  private static final Prediction PREDICTION = new Prediction("img-1", 7,
      new double[] {1e-9, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.978999999, 1.5e-300, 0.0}, -598.3125, 0.775,
      false, 12, "mnist-3", 37, 1_736_846_405_123L, 4.25, 9.8);
  private static final OodAlert ALERT = new OodAlert("upload-7f3a", 2.31, 1.42, -1811.04, 3, 0, "mnist-3");

  @Test
  void predictionSurvivesJsonRoundTrip() {
    Prediction back = OutputCodecs.parsePrediction(OutputCodecs.predictionJson(PREDICTION));

    assertThat(back).usingRecursiveComparison().isEqualTo(PREDICTION);
  }

  @Test
  void alertSurvivesJsonRoundTrip() {
    assertThat(OutputCodecs.parseAlert(OutputCodecs.alertJson(ALERT))).isEqualTo(ALERT);
  }

  @Test
  void fieldNamesAreTheRecordComponentNamesInOrder() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode prediction = mapper.readTree(OutputCodecs.predictionJson(PREDICTION));
    JsonNode alert = mapper.readTree(OutputCodecs.alertJson(ALERT));

    assertThat(fieldNames(prediction)).containsExactlyElementsOf(componentNames(Prediction.class));
    assertThat(fieldNames(alert)).containsExactlyElementsOf(componentNames(OodAlert.class));
    assertThat(prediction.get("recordTimestampMs").isIntegralNumber()).isTrue();
    assertThat(prediction.get("probabilities").get(1).isNumber()).isTrue();
    assertThat(prediction.get("ood").isBoolean()).isTrue();
  }

  @Test
  void nonFiniteDoublesAreWrittenAsNullAndReadBackAsNaN() {
    Prediction odd = new Prediction("img-2", 0, new double[] {Double.NaN, 1.0}, Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY, true, 784, "v", 1, 0L, Double.NaN, 0.5);
    OodAlert oddAlert = new OodAlert("img-2", Double.POSITIVE_INFINITY, 1.0, Double.NEGATIVE_INFINITY, 0, 784, "v");

    String json = new String(OutputCodecs.predictionJson(odd), StandardCharsets.UTF_8);
    String alertJson = new String(OutputCodecs.alertJson(oddAlert), StandardCharsets.UTF_8);

    assertThat(json).doesNotContain("NaN").doesNotContain("Infinity")
        .contains("\"probabilities\":[null,1.0]", "\"logLikelihood\":null", "\"oodScore\":null",
            "\"queueMillis\":null");
    assertThat(alertJson).isEqualTo("{\"id\":\"img-2\",\"oodScore\":null,\"threshold\":1.0,\"logLikelihood\":null,"
        + "\"predictedLabel\":0,\"missingPixels\":784,\"modelVersion\":\"v\"}");
    Prediction back = OutputCodecs.parsePrediction(json.getBytes(StandardCharsets.UTF_8));
    assertThat(back.probabilities()[0]).isNaN();
    assertThat(back.logLikelihood()).isNaN();
    assertThat(back.oodScore()).isNaN();
    assertThat(back.scoringMillis()).isEqualTo(0.5);
    assertThat(OutputCodecs.parseAlert(alertJson.getBytes(StandardCharsets.UTF_8)).oodScore()).isNaN();
  }

  @Test
  void unknownFieldsAreIgnoredWhenParsing() {
    byte[] json = ("{\"id\":\"a\",\"oodScore\":2,\"threshold\":1,\"logLikelihood\":-1568,\"predictedLabel\":3,"
        + "\"missingPixels\":0,\"modelVersion\":\"v\",\"addedLater\":{\"x\":1}}").getBytes(StandardCharsets.UTF_8);

    assertThat(OutputCodecs.parseAlert(json)).isEqualTo(new OodAlert("a", 2.0, 1.0, -1568.0, 3, 0, "v"));
  }

  @Test
  void parsingRejectsBadInputNamingTheField() {
    String alert = new String(OutputCodecs.alertJson(ALERT), StandardCharsets.UTF_8);

    assertThatThrownBy(() -> OutputCodecs.parseAlert(bytes(alert.replace("\"predictedLabel\":3,", ""))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alert has no field \"predictedLabel\"");
    String fractionalLabel = alert.replace("\"predictedLabel\":3", "\"predictedLabel\":3.5");
    assertThatThrownBy(() -> OutputCodecs.parseAlert(bytes(fractionalLabel)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alert field \"predictedLabel\" is 3.5, expected an integer");
    String stringThreshold = alert.replace("\"threshold\":1.42", "\"threshold\":\"1.42\"");
    assertThatThrownBy(() -> OutputCodecs.parseAlert(bytes(stringThreshold)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alert field \"threshold\" is a string, expected a number or null");
    assertThatThrownBy(() -> OutputCodecs.parsePrediction(bytes("[1]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prediction must be a JSON object, found an array");
    assertThatThrownBy(() -> OutputCodecs.parsePrediction(bytes("{\"id\":")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("prediction is not valid JSON: ");
    String prediction = new String(OutputCodecs.predictionJson(PREDICTION), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OutputCodecs.parsePrediction(bytes(prediction.replace("\"ood\":false", "\"ood\":0"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prediction field \"ood\" is 0, expected true or false");
    assertThatThrownBy(() -> OutputCodecs.parsePrediction(bytes(prediction.replaceFirst("\\[1\\.0E-9,", "[\"x\","))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prediction field \"probabilities[0]\" is a string, expected a number or null");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static List<String> componentNames(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).collect(Collectors.toList());
  }
}
