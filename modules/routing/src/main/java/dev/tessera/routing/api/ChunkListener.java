package dev.tessera.routing.api;

import dev.tessera.tenancy.api.TesseraException;

/**
 * Receives a streamed answer from the gateway: chunks, then exactly one of {@link #onComplete} or
 * {@link #onError}, unless the stream is cancelled.
 */
public interface ChunkListener {
  void onChunk(ChatChunk chunk);

  void onComplete();

  void onError(ProviderException failure);

  /**
   * Heard instead of {@link #onComplete} when the stream ended but a block-mode output check
   * refused its answer at the end (the chunks are already out, so the refusal is the stream's last
   * event). Listeners that can tell the caller which check refused override it; by default it is
   * heard as an error.
   */
  default void onRefused(TesseraException refusal) {
    onError(
        new ProviderException(
            ProviderException.Kind.CLIENT_ERROR, "tessera", refusal.getMessage(), refusal));
  }
}
