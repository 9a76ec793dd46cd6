package dev.tessera.governance.api;

/**
 * A typed variable of a prompt template, written {@code {{name}}} in the template. Without a
 * default a required variable must be given on every call.
 */
public record PromptVariable(String name, Type type, boolean required, String defaultValue) {
  /** What a value must be. */
  public enum Type {
    STRING,
    NUMBER,
    BOOLEAN,
    JSON
  }
}
