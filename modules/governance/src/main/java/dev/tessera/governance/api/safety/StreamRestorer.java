package dev.tessera.governance.api.safety;

/**
 * Restores placeholders in one streamed choice. A delta that ends inside what may be a placeholder
 * ({@code "<EMA"}) keeps that tail back until the next delta completes or refutes it.
 */
public interface StreamRestorer {
  /** The text to emit now for {@code delta} (possibly empty). */
  String feed(String delta);

  /** Whatever is still held back, at the end of the choice. */
  String flush();
}
