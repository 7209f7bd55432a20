package io.circuitstream.serve;

import io.circuitstream.model.Model;

/**
 * The model an instance serves, with its version name.
 *
 * @param version the version name in the model store
 * @param model the model, immutable
 */
public record ServedModel(String version, Model model) {}
