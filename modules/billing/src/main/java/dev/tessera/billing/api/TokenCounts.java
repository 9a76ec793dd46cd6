package dev.tessera.billing.api;

/** Tokens one call used; {@code input} includes {@code cached}, as in OpenAI's usage object. */
public record TokenCounts(long input, long output, long cached) {
  public static final TokenCounts NONE = new TokenCounts(0, 0, 0);

  public TokenCounts {
    input = Math.max(0, input);
    output = Math.max(0, output);
    cached = Math.min(Math.max(0, cached), input);
  }
}
