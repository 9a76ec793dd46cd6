package dev.tessera.routing.api;

/**
 * One upstream call the gateway made for a request: the catalog model and provider kind it went to,
 * whether that deployment was a fallback (not the routing plan's primary), how it ended ({@code
 * ok}, {@code cancelled}, or the failure's kind in lower case, e.g. {@code server_error}), the
 * provider's HTTP status when it failed with one (else 0), and how long it took.
 */
public record UpstreamAttempt(
    String model,
    String provider,
    boolean fallback,
    String outcome,
    int status,
    long latencyMillis) {

  /** The outcome of an attempt that failed with {@code failure}. */
  public static String outcomeOf(ProviderException failure) {
    return failure == null ? "ok" : failure.kind().name().toLowerCase(java.util.Locale.ROOT);
  }
}
