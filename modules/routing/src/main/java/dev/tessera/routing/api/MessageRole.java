package dev.tessera.routing.api;

import java.util.Locale;

/** Who authored a chat message, in the OpenAI vocabulary every adapter translates from. */
public enum MessageRole {
  SYSTEM,
  USER,
  ASSISTANT,
  TOOL;

  /** The lower-case name used on the OpenAI wire. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses an OpenAI role name; {@code developer} is the newer alias of {@code system}. */
  public static MessageRole fromWire(String value) {
    if ("developer".equals(value)) {
      return SYSTEM;
    }
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
