package dev.tessera.tenancy.api;

/**
 * A failure the caller can act on. The web layer turns it into RFC 9457 problem+json (or the OpenAI
 * error shape on /v1) with {@link #status()}; the message never carries another tenant's data.
 */
public abstract class TesseraException extends RuntimeException {
  private final int status;
  private final String type;

  protected TesseraException(int status, String type, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
  }

  /** HTTP status to answer with. */
  public int status() {
    return status;
  }

  /** Short machine-readable problem kind, e.g. {@code not-found}. */
  public String type() {
    return type;
  }
}
