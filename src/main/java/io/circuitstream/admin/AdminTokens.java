package io.circuitstream.admin;

import java.security.SecureRandom;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** Chooses the bearer token that guards the admin server's mutating routes. */
public final class AdminTokens {

  /** The environment variable that may hold the token. */
  public static final String ENV_VAR = "CIRCUITSTREAM_ADMIN_TOKEN";

  /** Random bytes in a generated token (256 bits). */
  static final int GENERATED_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private AdminTokens() {}

  /** Where a resolved token came from. */
  public enum Source {
    /** The service configuration set it. */
    CONFIGURED,
    /** The environment variable {@link #ENV_VAR} set it. */
    ENVIRONMENT,
    /** Neither did: it was generated at random and must be shown to the operator. */
    GENERATED
  }

  /**
   * A token and where it came from.
   *
   * <p>{@link #toString()} hides the token, so the record can be logged.
   *
   * @param token the token clients send as {@code Authorization: Bearer <token>}
   * @param source where it came from
   */
  public record Resolved(String token, Source source) {
    /** Returns whether the token was generated, so the caller should print it once at start-up. */
    public boolean generated() {
      return source == Source.GENERATED;
    }

    @Override
    public String toString() {
      return "Resolved[token=<hidden>, source=" + source + "]";
    }
  }

  /**
   * Returns the configured token, else the one from the environment, else a new random one.
   *
   * <p>Blank values count as absent, and surrounding whitespace is trimmed. A generated token is 32
   * random bytes from {@link SecureRandom} in URL-safe base64 without padding (43 characters).
   *
   * @param configured the token from the service configuration, or {@code null}
   * @param env the value of {@link #ENV_VAR}, or {@code null}
   * @return the token and its source
   */
  public static Resolved resolve(@Nullable String configured, @Nullable String env) {
    if (configured != null && !configured.isBlank()) {
      return new Resolved(configured.strip(), Source.CONFIGURED);
    }
    if (env != null && !env.isBlank()) {
      return new Resolved(env.strip(), Source.ENVIRONMENT);
    }
    return new Resolved(generate(), Source.GENERATED);
  }

  /**
   * Returns a new random token: 32 bytes from {@link SecureRandom}, URL-safe base64, no padding.
   *
   * @return the token, 43 characters
   */
  public static String generate() {
    byte[] bytes = new byte[GENERATED_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
