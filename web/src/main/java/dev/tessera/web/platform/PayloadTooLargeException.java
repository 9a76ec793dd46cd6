package dev.tessera.web.platform;

import dev.tessera.tenancy.api.TesseraException;

/** A request body over the configured limit (TESSERA_HTTP_MAX_BODY_BYTES). */
public class PayloadTooLargeException extends TesseraException {
  public PayloadTooLargeException(long limit) {
    super(413, "payload-too-large", "The request body exceeds " + limit + " bytes.");
  }
}
