package dev.tessera.routing.api;

import dev.tessera.tenancy.api.TesseraException;

/** The requested model is not in the catalog, or this tenant may not use it. */
public class UnknownModelException extends TesseraException {
  private final String model;

  public UnknownModelException(String model, String detail) {
    super(404, "model-not-found", detail);
    this.model = model;
  }

  public String model() {
    return model;
  }
}
