package io.circuitstream.app;

/** Facts about this build, for provenance. */
final class BuildInfo {
  private BuildInfo() {}

  /** Returns the version from the jar manifest, or "dev" when run from classes. */
  static String version() {
    String v = BuildInfo.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
