package dev.tessera.tenancy.api;

/** Authenticated, but this credential may not do this within its own tenant. */
public class ForbiddenException extends TesseraException {
  public ForbiddenException(String message) {
    super(403, "forbidden", message);
  }
}
