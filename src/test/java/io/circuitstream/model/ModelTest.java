package io.circuitstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The value types of the package: copies, order and validation messages. */
class ModelTest {

  @Test
  void modelKeepsItsOwnCopiesOfTheArrays() {
    Model template = TinyModels.model(1);
    double[] parameters = template.parameters();
    double[] logPrior = template.logPrior();
    Model model = new Model(template.spec(), parameters, logPrior, template.ood(), template.provenance());

    parameters[0] += 1;
    logPrior[0] = 0;
    model.parameters()[1] += 1;
    model.logPrior()[1] = 0;

    assertThat(model).isEqualTo(template);
    assertThat(model.hashCode()).isEqualTo(template.hashCode());
  }

  @Test
  void toCircuitHasTheModelsParameters() {
    Model model = TinyModels.model(2);

    assertThat(model.toCircuit().parameters()).containsExactly(model.parameters());
    assertThat(model.toCircuit().spec()).isEqualTo(model.spec());
  }

  @Test
  void theServingCircuitSharesTheParametersAndRefusesChanges() {
    Model model = TinyModels.model(3);
    io.circuitstream.engine.circuit.Circuit view = model.readOnlyCircuit();

    assertThat(view.parameters()).containsExactly(model.parameters());
    assertThatThrownBy(() -> view.setParameters(model.parameters()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
    assertThatThrownBy(() -> view.updateParameters(p -> p[0] = 1))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("use copy()");
    io.circuitstream.engine.circuit.Circuit copy = view.copy();
    copy.updateParameters(p -> p[0] += 1);
    assertThat(model.parameters()[0]).isEqualTo(view.parameters()[0]).isNotEqualTo(copy.parameters()[0]);
  }

  @Test
  void modelRejectsAPriorWithoutOneEntryPerClass() {
    Model m = TinyModels.model(1);

    assertThatThrownBy(() -> new Model(m.spec(), m.parameters(), new double[2], m.ood(), m.provenance()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("logPrior has 2 entries, but spec.numClasses is 3");
  }

  @Test
  void modelRejectsANonFiniteParameter() {
    Model m = TinyModels.model(1);
    double[] parameters = m.parameters();
    parameters[4] = Double.NaN;

    assertThatThrownBy(() -> new Model(m.spec(), parameters, m.logPrior(), m.ood(), m.provenance()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parameters[4] must be finite, got NaN");
  }

  @Test
  void provenanceCopiesItsMapsInTheirOrderAndUnmodifiable() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("z", "1");
    config.put("a", "2");
    Provenance p = new Provenance(1, 0, "d", "v", "2025-06-01T12:00:00Z", null, Map.of(), config);

    config.put("m", "3");

    assertThat(p.config().keySet()).containsExactly("z", "a");
    assertThatThrownBy(() -> p.config().put("b", "4")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void provenanceRejectsACreatedAtThatIsNotIso8601WithAnOffset() {
    assertThatThrownBy(() -> new Provenance(0.5, 0, "d", "v", "2025-06-01 12:00", null, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("createdAt must be an ISO-8601 date-time with an offset");
  }

  @Test
  void provenanceRejectsALambdaOutsideTheUnitInterval() {
    assertThatThrownBy(() -> new Provenance(1.5, 0, "d", "v", "2025-06-01T12:00:00Z", null, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lambda must be in [0, 1], got 1.5");
  }

  @Test
  void oodCalibrationRejectsOutOfRangeFields() {
    assertThatThrownBy(() -> new OodCalibration(Double.NaN, 0.05, 10)).hasMessageStartingWith("threshold");
    assertThatThrownBy(() -> new OodCalibration(2, 1.5, 10)).hasMessageStartingWith("falseAlarmRate");
    assertThatThrownBy(() -> new OodCalibration(2, 0.05, 0)).hasMessageStartingWith("calibrationImages");
  }
}
