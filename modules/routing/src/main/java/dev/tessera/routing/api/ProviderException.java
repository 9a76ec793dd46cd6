package dev.tessera.routing.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A model provider call that failed, classified so retry, fallback and breaker logic can decide
 * without parsing messages. The message never carries prompt or answer content.
 */
public class ProviderException extends RuntimeException {

  /** What went wrong, and whether trying again (here or elsewhere) can help. */
  public enum Kind {
    /** 429 or an in-band rate-limit error; see {@link #retryAfter()}. */
    RATE_LIMITED(true),
    /** 5xx or the provider's overloaded/internal error. */
    SERVER_ERROR(true),
    /** The deadline passed before the provider answered. */
    TIMEOUT(true),
    /** Could not connect, or the connection was reset before a full answer. */
    CONNECTION(true),
    /** The provider answered with something that is not its documented format. */
    MALFORMED_RESPONSE(true),
    /** A stream ended or broke before its end marker. */
    STREAM_BROKEN(true),
    /** The provider rejected the request itself (4xx): sending it again cannot succeed. */
    CLIENT_ERROR(false),
    /** The provider refused the credentials (401/403): a configuration problem. */
    AUTH(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;
  private final String provider;
  private final int httpStatus;
  private final Duration retryAfter;
  private final boolean partialOutput;

  public ProviderException(
      Kind kind,
      String provider,
      int httpStatus,
      String message,
      Duration retryAfter,
      boolean partialOutput,
      Throwable cause) {
    super(provider + ": " + scrub(message), cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.provider = provider;
    this.httpStatus = httpStatus;
    this.retryAfter = retryAfter;
    this.partialOutput = partialOutput;
  }

  public ProviderException(Kind kind, String provider, String message, Throwable cause) {
    this(kind, provider, 0, message, null, false, cause);
  }

  // Credentials a provider may echo in its error text ("Incorrect API key provided: sk-...",
  // an Authorization header, key=... in a URL): the message reaches tenants, the keys are the
  // platform's (or another tenant's), so they are masked before the message exists.
  private static final java.util.regex.Pattern[] SECRETS = {
    java.util.regex.Pattern.compile("(?i)\\b(?:sk|rk|pk)-[A-Za-z0-9_\\-*.]{6,}"),
    java.util.regex.Pattern.compile("\\bAIza[0-9A-Za-z_\\-]{10,}"),
    java.util.regex.Pattern.compile("\\btsk_[A-Za-z0-9_\\-]{10,}"),
    java.util.regex.Pattern.compile("(?i)(?<=bearer\\s)\\s*[A-Za-z0-9._\\-~+/=*]{6,}"),
    java.util.regex.Pattern.compile(
        "(?i)(?<=(?:api[_-]?key|x-api-key|key|token|secret|password)[\"']?\\s?[:=]\\s?[\"']?)"
            + "[^\\s\"',&;]{6,}"),
    java.util.regex.Pattern.compile("(?i)(?<=key provided:\\s)\\S{6,}"),
  };

  /** The text with anything shaped like a credential replaced by {@code [redacted]}. */
  public static String scrub(String message) {
    if (message == null) {
      return null;
    }
    String out = message;
    for (java.util.regex.Pattern p : SECRETS) {
      out = p.matcher(out).replaceAll("[redacted]");
    }
    return out;
  }

  public Kind kind() {
    return kind;
  }

  /** The adapter kind that failed, e.g. {@code anthropic}. */
  public String provider() {
    return provider;
  }

  /** The upstream HTTP status, or 0 when no response status was seen. */
  public int httpStatus() {
    return httpStatus;
  }

  /** How long the provider asked us to wait, when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Whether some of the answer had already been relayed to the caller before the failure. */
  public boolean partialOutput() {
    return partialOutput;
  }

  /**
   * Whether a retry can be transparent to the caller: the kind is retryable and nothing has been
   * relayed yet (a half-delivered stream cannot be replayed).
   */
  public boolean retryable() {
    return kind.retryable() && !partialOutput;
  }

  /** The same failure, marked as having relayed output (or not). */
  public ProviderException withPartialOutput(boolean relayed) {
    if (relayed == partialOutput) {
      return this;
    }
    return new ProviderException(
        kind, provider, httpStatus, rawMessage(), retryAfter, relayed, getCause());
  }

  private String rawMessage() {
    String m = getMessage();
    String prefix = provider + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }
}
