package dev.tessera.routing.api;

import dev.tessera.tenancy.api.TesseraException;

/**
 * The request (with the answer it asks room for) does not fit the context window of the model it
 * named, nor of any model it could be routed to. OpenAI answers this with 400 {@code
 * context_length_exceeded}; so do we.
 */
public class ContextLengthException extends TesseraException {
  public ContextLengthException(String detail) {
    super(400, "context-length-exceeded", detail);
  }
}
