package dev.tessera.tenancy.api;

/** No valid credential: missing, unknown, revoked or expired (the answer does not say which). */
public class UnauthenticatedException extends TesseraException {
  public UnauthenticatedException(String message) {
    super(401, "unauthenticated", message);
  }
}
