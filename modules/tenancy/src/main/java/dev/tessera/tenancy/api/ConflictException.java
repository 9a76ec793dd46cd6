package dev.tessera.tenancy.api;

/** The request clashes with the current state (a duplicate name, a move already running). */
public class ConflictException extends TesseraException {
  public ConflictException(String message) {
    super(409, "conflict", message);
  }
}
