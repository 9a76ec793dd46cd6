package dev.tessera.tenancy.api;

/** A tenant's admission limits, enforced across every instance. */
public record TenantLimits(
    int requestsPerMinute,
    int tokensPerMinute,
    int maxConcurrentRequests,
    int keyRequestsPerMinute,
    int keyTokensPerMinute) {

  public TenantLimits {
    positive("requestsPerMinute", requestsPerMinute);
    positive("tokensPerMinute", tokensPerMinute);
    positive("maxConcurrentRequests", maxConcurrentRequests);
    positive("keyRequestsPerMinute", keyRequestsPerMinute);
    positive("keyTokensPerMinute", keyTokensPerMinute);
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw InvalidInputException.field("limits." + field, "must be a positive integer");
    }
  }
}
