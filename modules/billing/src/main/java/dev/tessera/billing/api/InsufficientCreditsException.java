package dev.tessera.billing.api;

import dev.tessera.tenancy.api.TesseraException;

/** The tenant's available credits cannot cover the request's worst-case cost (402). */
public class InsufficientCreditsException extends TesseraException {
  private final long available;

  public InsufficientCreditsException(long needed, long available) {
    super(
        402,
        "insufficient-credits",
        "Not enough credits: this request may cost up to "
            + needed
            + " micro-credits and "
            + available
            + " are available.");
    this.available = available;
  }

  public long available() {
    return available;
  }
}
