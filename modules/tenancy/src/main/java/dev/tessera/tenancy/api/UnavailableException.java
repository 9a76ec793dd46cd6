package dev.tessera.tenancy.api;

/** Temporarily unable to serve (a lane is full, a tier move holds the tenant); retry later. */
public class UnavailableException extends TesseraException {
  private final long retryAfterSeconds;

  public UnavailableException(String message, long retryAfterSeconds) {
    super(503, "unavailable", message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
