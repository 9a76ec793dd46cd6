package dev.tessera.billing.api;

/** A tenant's credits in micro-credits: the balance, what open holds keep, and the rest. */
public record Balance(long balance, long reserved) {
  public long available() {
    return balance - reserved;
  }
}
