package dev.tessera.routing.api;

import java.util.Objects;

/** Whether and which tool the model must call: auto, none, required (any), or one function. */
public record ToolChoice(Mode mode, String functionName) {
  public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
  public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
  public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

  /** The choice modes of the OpenAI API. */
  public enum Mode {
    AUTO,
    NONE,
    REQUIRED,
    FUNCTION
  }

  public ToolChoice {
    Objects.requireNonNull(mode, "mode");
    if (mode == Mode.FUNCTION) {
      Objects.requireNonNull(functionName, "functionName");
    }
  }

  /** Forces a call of the named function. */
  public static ToolChoice function(String name) {
    return new ToolChoice(Mode.FUNCTION, name);
  }
}
