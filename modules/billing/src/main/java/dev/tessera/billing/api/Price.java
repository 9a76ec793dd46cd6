package dev.tessera.billing.api;

/**
 * A model's list price in micro-credits per million tokens: input, output, and input served from
 * the provider's prompt cache.
 */
public record Price(long inputPerMillion, long outputPerMillion, long cachedPerMillion) {
  /** The built-in models: metered, never charged. */
  public static final Price FREE = new Price(0, 0, 0);

  public Price {
    if (inputPerMillion < 0 || outputPerMillion < 0 || cachedPerMillion < 0) {
      throw new IllegalArgumentException("prices are never negative");
    }
  }

  public boolean isFree() {
    return inputPerMillion == 0 && outputPerMillion == 0 && cachedPerMillion == 0;
  }
}
