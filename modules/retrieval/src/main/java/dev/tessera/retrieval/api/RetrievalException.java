package dev.tessera.retrieval.api;

import dev.tessera.tenancy.api.TesseraException;

/** A retrieval request the caller must change: too large, of a type we cannot read, and so on. */
public class RetrievalException extends TesseraException {
  public RetrievalException(int status, String type, String message) {
    super(status, type, message);
  }
}
