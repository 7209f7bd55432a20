package io.circuitstream.data;

import java.nio.file.Path;

/**
 * What {@link DataFetcher} did for one cached file; the file has the pinned checksum in every case.
 *
 * @param path where the file now is
 * @param size its size in bytes
 * @param status whether it was already there, fetched, or fetched again to replace a bad copy
 */
public record FetchedFile(Path path, long size, Status status) {

  /** How a file came to be in the cache. */
  public enum Status {
    /** The file was present with the right checksum and was left untouched. */
    ALREADY_PRESENT("already present"),
    /** The file was missing and has been fetched. */
    FETCHED("fetched"),
    /** The file was present with a wrong checksum and has been fetched again. */
    REPLACED_CORRUPT("re-fetched (cached copy had a wrong checksum)");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    /** Returns the status as shown to users, e.g. {@code already present}. */
    public String label() {
      return label;
    }
  }
}
