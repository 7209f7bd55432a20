package io.circuitstream.engine.circuit;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The sum-product block that turns a partition's child regions into the partition's units.
 *
 * <p>All three are smooth and decomposable, so the circuit stays a normalised density.
 */
public enum LayerKind {
  /** One dense sum layer per child region, then a Hadamard product (the tutorial's {@code cp}). */
  CP("cp"),
  /** A Hadamard product of the child regions, then one dense sum layer. */
  CP_T("cp-t"),
  /** A Kronecker product of the child regions, then one dense sum layer over all unit tuples. */
  TUCKER("tucker");

  private final String id;

  LayerKind(String id) {
    this.id = id;
  }

  /** Returns the name used on the command line and in model files, such as {@code cp}. */
  public String id() {
    return id;
  }

  /**
   * Returns the kind with the given name.
   *
   * @param id a name such as {@code cp}, {@code cp-t} or {@code tucker}
   * @throws IllegalArgumentException if no kind has that name; the message lists the valid names
   */
  public static LayerKind byId(String id) {
    for (LayerKind k : values()) {
      if (k.id.equals(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown layer kind '" + id + "'; valid kinds: "
            + Arrays.stream(values()).map(LayerKind::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id;
  }
}
