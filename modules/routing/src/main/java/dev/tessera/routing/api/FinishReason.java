package dev.tessera.routing.api;

/** Why the model stopped, in OpenAI's vocabulary; each adapter maps its provider's reasons. */
public enum FinishReason {
  STOP("stop"),
  LENGTH("length"),
  TOOL_CALLS("tool_calls"),
  CONTENT_FILTER("content_filter");

  private final String wireName;

  FinishReason(String wireName) {
    this.wireName = wireName;
  }

  /** The OpenAI wire value. */
  public String wireName() {
    return wireName;
  }

  /** Parses an OpenAI finish reason; the legacy {@code function_call} counts as a tool call. */
  public static FinishReason fromWire(String value) {
    if (value == null) {
      return null;
    }
    for (FinishReason r : values()) {
      if (r.wireName.equals(value)) {
        return r;
      }
    }
    return "function_call".equals(value) ? TOOL_CALLS : STOP;
  }
}
