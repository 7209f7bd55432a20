package io.circuitstream.admin;

import java.util.Objects;

/**
 * Where the admin server listens, its token and its request-body limit.
 *
 * <p>{@link #toString()} hides the token.
 *
 * @param host the address to bind, {@value #DEFAULT_HOST} by default (loopback only)
 * @param port the TCP port, {@value #DEFAULT_PORT} by default; 0 picks a free one
 * @param token the bearer token the {@code POST} routes require
 * @param maxBodyBytes the largest request body accepted, 1 MiB by default; larger ones get 413
 */
public record AdminOptions(String host, int port, String token, long maxBodyBytes) {

  /** The default bind address: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The default port. */
  public static final int DEFAULT_PORT = 8080;

  /** The default body limit: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;

  /** Checks the fields; messages name the one that is wrong. */
  public AdminOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(token, "token");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    if (token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank");
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
    }
  }

  /**
   * Returns the defaults with the given token.
   *
   * @param token the bearer token
   * @return options listening on {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT}
   */
  public static AdminOptions of(String token) {
    return builder().token(token).build();
  }

  /** Returns a builder with the defaults and no token. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding these options, to derive a variant. */
  public Builder toBuilder() {
    return new Builder().host(host).port(port).token(token).maxBodyBytes(maxBodyBytes);
  }

  @Override
  public String toString() {
    return "AdminOptions[host=" + host + ", port=" + port + ", token=<hidden>, maxBodyBytes=" + maxBodyBytes + "]";
  }

  /** Builds {@link AdminOptions}; every field but the token has a default. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String token = "";
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

    private Builder() {}

    /** Sets the address to bind. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host == null");
      return this;
    }

    /** Sets the TCP port; 0 picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Sets the bearer token (required). */
    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token == null");
      return this;
    }

    /** Sets the largest request body accepted, in bytes. */
    public Builder maxBodyBytes(long maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * Returns the options.
     *
     * @throws IllegalArgumentException if a field is invalid or the token was not set
     */
    public AdminOptions build() {
      return new AdminOptions(host, port, token, maxBodyBytes);
    }
  }
}
