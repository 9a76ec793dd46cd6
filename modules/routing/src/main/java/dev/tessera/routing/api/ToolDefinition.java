package dev.tessera.routing.api;

import jakarta.json.JsonObject;
import java.util.Objects;

/** A function the model may call: its name, what it does, and its parameters as JSON Schema. */
public record ToolDefinition(String name, String description, JsonObject parameters) {
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
  }
}
