package dev.tessera.routing.api;

/**
 * Tokens billed for one call. {@code promptTokens} includes {@code cachedTokens} (the part served
 * from the provider's prompt cache), as in OpenAI's usage object.
 */
public record Usage(int promptTokens, int completionTokens, int cachedTokens) {
  public static final Usage NONE = new Usage(0, 0, 0);

  public int totalTokens() {
    return promptTokens + completionTokens;
  }
}
