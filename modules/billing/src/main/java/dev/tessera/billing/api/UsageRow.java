package dev.tessera.billing.api;

/**
 * One group of a usage report: settled (successful) requests, failed ones (held then released),
 * tokens, the cost, and the cost per successful request (micro-credits, rounded down).
 */
public record UsageRow(
    String group,
    long requests,
    long failed,
    long inputTokens,
    long outputTokens,
    long cachedTokens,
    long cost) {
  public long costPerRequest() {
    return requests == 0 ? 0 : cost / requests;
  }
}
