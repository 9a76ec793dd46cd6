package dev.tessera.tenancy.api;

import java.util.List;

/** The request is well-formed JSON but its content is not acceptable. */
public class InvalidInputException extends TesseraException {
  /** One rejected field and why. */
  public record FieldError(String field, String message) {}

  private final List<FieldError> errors;

  public InvalidInputException(String message, List<FieldError> errors) {
    super(400, "invalid-input", message);
    this.errors = List.copyOf(errors);
  }

  public static InvalidInputException field(String field, String message) {
    return new InvalidInputException(
        field + ": " + message, List.of(new FieldError(field, message)));
  }

  public List<FieldError> errors() {
    return errors;
  }
}
