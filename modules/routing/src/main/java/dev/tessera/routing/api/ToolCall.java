package dev.tessera.routing.api;

import java.util.Objects;

/**
 * A function call the model asked for. {@code arguments} is the JSON text of the arguments object,
 * as on the OpenAI wire, so it survives providers that return invalid JSON unchanged.
 */
public record ToolCall(String id, String name, String arguments) {
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
  }
}
