package io.circuitstream.serve;

import io.circuitstream.engine.circuit.CircuitSpec;
import io.circuitstream.model.Model;

/**
 * The model an instance serves: its version name and structure, with its parameters in the store.
 *
 * @param version the version name in the model store
 * @param spec the circuit structure
 * @param store the store that holds the version
 */
public record ServedModel(String version, CircuitSpec spec, ModelStore store) {

  /**
   * Reads the whole model, parameters included, from the store.
   *
   * @throws io.circuitstream.model.ModelFileException if the stored file is no longer a valid model
   */
  public Model load() {
    return store.load(version);
  }
}
