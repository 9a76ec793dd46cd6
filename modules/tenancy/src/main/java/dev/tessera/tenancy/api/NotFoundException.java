package dev.tessera.tenancy.api;

/** Something does not exist, or belongs to someone else: both look the same from outside. */
public class NotFoundException extends TesseraException {
  public NotFoundException(String what, Object id) {
    super(404, "not-found", "No " + what + " with id '" + id + "'.");
  }
}
